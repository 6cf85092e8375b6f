// The worker side of the harness: serveStream at the top level, plus a count of the frames it
// received and how many of them are still open, for the page to ask.
import { createClassifier, serveStream } from 'onnx-mobilenet';

const received: VideoFrame[] = [];
const threads = Number(new URLSearchParams(self.name).get('threads') ?? 1);
self.addEventListener('message', (event: MessageEvent) => {
  if (event.data?.frame instanceof VideoFrame) received.push(event.data.frame);
  if (event.data === 'frame-stats') {
    self.postMessage({ frameStats: { received: received.length, open: received.filter((f) => f.format !== null).length } });
  }
});
serveStream(createClassifier({ model: '/data/models/mobilenetv2-12-int8.onnx', labels: '/data/models/synset.txt', threads }));
