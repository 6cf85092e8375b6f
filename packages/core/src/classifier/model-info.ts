import type { RegistryModel } from '../io/model-registry.js';
import type { LoadedModel } from './load-model.js';

/** What a classifier loaded, for display and logging. */
export interface ModelInfo {
  /** Registry name, or the path/URL the model came from. */
  source: string;
  /** Registry entry when the model was loaded by name. */
  registry?: RegistryModel | undefined;
  /** Backend that runs the session (`onnxruntime-node`, `onnxruntime-web`). */
  backend: string;
  inputName: string;
  outputName: string;
  /** Side of the square input image. */
  inputSize: number;
  /** Number of classes (the labels' count). */
  readonly classes: number;
  /** Fixed batch size, or `'dynamic'`. */
  batch: number | 'dynamic';
  /** True when a quantized model was dequantized to float at load time (see `precision`). */
  dequantized: boolean;
  /** Length of the vectors `embed()` returns (1280 for MobileNetV2), or `null` where none was found. */
  embeddingSize: number | null;
}

/** The `model` of a classifier over `loaded`, run by the backend named `backend`. */
export function modelInfo(loaded: LoadedModel, backend: string): ModelInfo {
  const { io, labels, embedding } = loaded;
  return {
    source: loaded.source,
    registry: loaded.registry,
    backend,
    inputName: io.inputName,
    outputName: io.outputName,
    inputSize: loaded.preprocess.cropSize,
    get classes() {
      return labels.length;
    },
    batch: io.fixedBatch ?? 'dynamic',
    dequantized: loaded.dequantized,
    embeddingSize: 'missing' in embedding ? null : embedding.size,
  };
}
