import { closeNames, editDistance } from '../errors/did-you-mean.js';
import { clipText } from '../errors/errors.js';
import { MODELS } from './model-registry.js';

/** The most edits a registry name suggestion may be away: the names differ in a few characters (-10, -12, -int8), a guess further off is another model. */
const REGISTRY_EDITS = 2;

/**
 * What to add to `E_NOT_FOUND` when a `model` given as a path names no file. A word without a
 * folder: the nearest registry names within 2 edits of it (or of it without `.onnx`) and the list of them,
 * `undefined` for a file name (`mine.onnx`) close to none. A path (with `/` or `\`) whose file is
 * named exactly like a registry model: that the registry name is given without a folder; any
 * other path: `undefined`. The name is quoted as given (clipped): the printing layer escapes it.
 * The Node adapter adds it where it reads a model file; apart from the registry itself so that a
 * web app, whose model paths are URLs, does not load it.
 *
 * @example
 * ```ts
 * registryNameHint('mobilenetv2-12-int9');
 * // '"mobilenetv2-12-int9" is not a registry name either. Did you mean "mobilenetv2-12-int8"? Registry names: mobilenetv2-7, ...'
 * ```
 */
export function registryNameHint(model: string): string | undefined {
  const names = Object.keys(MODELS);
  if (/[\\/]/.test(model)) {
    const file = model
      .split(/[\\/]/)
      .at(-1)!
      .replace(/\.onnx$/i, '');
    return names.includes(file) ? `the registry model "${file}" is named without a folder or .onnx` : undefined;
  }
  const bare = model.replace(/\.onnx$/i, '');
  const near = closeNames(bare, names, REGISTRY_EDITS);
  // the nearest ones only: -11 is one edit from -10 and -12, two from -7
  const close = near.filter((n) => editDistance(bare, n) === editDistance(bare, near[0]!));
  if (close.length === 0 && bare !== model) return undefined;
  // joined here rather than by orList: importing it from own-options grew the browser entry
  const guess = close.length > 0 ? ` Did you mean ${close.map((n) => `"${n}"`).join(' or ')}?` : '';
  return `"${clipText(model)}" is not a registry name either.${guess} Registry names: ${names.join(', ')}`;
}
