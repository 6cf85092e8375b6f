// The `onnx-mobilenet` command of the `onnx-mobilenet` package: @onnx-mobilenet/cli (a dependency),
// so that `npm install onnx-mobilenet && npx onnx-mobilenet classify cat.jpg` works without a second package.
import { main } from '@onnx-mobilenet/cli';

main(process.argv.slice(2));
