// The `onnx-mobilenet` command of the `onnx-mobilenet` package: the Node adapter's CLI, so that
// `npm install onnx-mobilenet && npx onnx-mobilenet classify cat.jpg` works without a second package.
import '@onnx-mobilenet/node/cli';
