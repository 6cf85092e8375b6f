// The one setting that locates the real models and photos, shared by tests and benchmarks:
// ONNX_MOBILENET_ASSETS (relative to the repository root), default ../shared beside the repository.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASSETS_DIR = resolve(REPO_ROOT, process.env.ONNX_MOBILENET_ASSETS ?? '../shared');
