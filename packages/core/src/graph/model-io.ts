import type { InferenceSession } from 'onnxruntime-common';
import { OnnxMobilenetError } from '../errors/errors.js';

// Here, not beside the rewrite that adds it: the adapter subpath exports the name, and importing
// the rewrite's module from the entry would load the graph code (and the ONNX reader) with it.
/**
 * Name of the graph output added for the pooled feature vector (with a numeric suffix where the
 * model already has a tensor or node of that name).
 *
 * @example
 * ```ts
 * session.outputNames.includes(EMBEDDING_OUTPUT); // true once the classifier rewrote the graph
 * ```
 */
export const EMBEDDING_OUTPUT = 'onnx_mobilenet_embedding';

/** The input and output of a classification model, as read from its session. */
export interface ModelIO {
  /** Name of the image input (`input` in mobilenetv2-12, `data` in mobilenetv2-7). */
  inputName: string;
  /** Name of the scores output. */
  outputName: string;
  /** Fixed batch size, or `null` when the batch dimension is dynamic. */
  fixedBatch: number | null;
  /** Input height and width in pixels, or `null` where the model leaves them symbolic. */
  height: number | null;
  width: number | null;
  /** Number of classes, or `null` where the output leaves it symbolic. */
  classes: number | null;
}

type Dim = number | string;

function isFixed(d: Dim | undefined): d is number {
  return typeof d === 'number' && d > 0;
}

function shapeText(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : String(d))).join(', ')}]`;
}

/**
 * Reads and checks the input/output of a session: one 4-D float32 input N×3×H×W and a 2-D
 * float32 output N×classes (the zoo files differ in names: `data`/`mobilenetv20_output_flatten0_reshape0`
 * in mobilenetv2-7, `input`/`output` in -12). A model that does not fit is an `E_MODEL_SHAPE` error
 * saying what was expected and what was found.
 *
 * @example
 * ```ts
 * const io = inspectModelIO(session); // { inputName: 'input', outputName: 'output', fixedBatch: null, ... }
 * ```
 */
export function inspectModelIO(session: InferenceSession): ModelIO {
  const inputs = session.inputMetadata ?? [];
  const outputs = session.outputMetadata ?? [];
  const input = inputs[0];
  if (inputs.length !== 1 || !input) {
    throw new OnnxMobilenetError(
      'E_MODEL_SHAPE',
      `expected a model with one image input (N×3×H×W float32), found ${inputs.length} inputs: ${session.inputNames.join(', ')}`,
    );
  }
  if (!input.isTensor || input.type !== 'float32' || input.shape.length !== 4 || (isFixed(input.shape[1]) && input.shape[1] !== 3)) {
    const found = input.isTensor ? `${input.type} ${shapeText(input.shape)}` : 'a non-tensor value';
    throw new OnnxMobilenetError('E_MODEL_SHAPE', `expected the model input "${input.name}" to be float32 N×3×H×W (an RGB image), found ${found}`);
  }
  const output = outputs[0];
  if (!output?.isTensor || output.type !== 'float32' || output.shape.length !== 2) {
    const found = !output ? 'no output' : output.isTensor ? `${output.type} ${shapeText(output.shape)}` : 'a non-tensor value';
    throw new OnnxMobilenetError('E_MODEL_SHAPE', `expected the first model output to be float32 N×classes (class scores), found ${found}`);
  }
  const batch = input.shape[0];
  return {
    inputName: input.name,
    outputName: output.name,
    fixedBatch: isFixed(batch) ? batch : null,
    height: isFixed(input.shape[2]) ? input.shape[2] : null,
    width: isFixed(input.shape[3]) ? input.shape[3] : null,
    classes: isFixed(output.shape[1]) ? output.shape[1] : null,
  };
}
