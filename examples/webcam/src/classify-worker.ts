import { createClassifier, serveStream } from 'onnx-mobilenet';

// At the top level, synchronously: the page's first message must find serveStream listening.
// The page passes its ?model=…&labels=… as this worker's name.
const params = new URLSearchParams(self.name);
serveStream(createClassifier({ model: params.get('model') ?? 'mobilenetv2-12-int8', labels: params.get('labels') ?? undefined }));
