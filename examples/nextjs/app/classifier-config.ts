// Where each side loads the model from. The server reads files (or downloads a registry model
// once into its cache); the browser fetches URLs and keeps them in Cache Storage.
export const serverModel = process.env.ONNX_MOBILENET_MODEL ?? 'mobilenetv2-12-int8';
export const serverLabels = process.env.ONNX_MOBILENET_LABELS || undefined;
export const browserModel = process.env.ONNX_MOBILENET_MODEL_URL ?? 'mobilenetv2-12-int8';
export const browserLabels = process.env.ONNX_MOBILENET_LABELS_URL || undefined;
// Set to 1 when those URLs are on this machine or a private network (development, an intranet):
// the library refuses loopback and private addresses other than the page's own origin otherwise.
export const browserAllowPrivateNetwork = process.env.ONNX_MOBILENET_ALLOW_PRIVATE_NETWORK === '1';
