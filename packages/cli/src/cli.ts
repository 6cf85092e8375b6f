// The `onnx-mobilenet` bin of @onnx-mobilenet/cli.
import { main } from './main.js';

main(process.argv.slice(2));
