import { didYouMean } from '../errors/did-you-mean.js';
import { clipText } from '../errors/errors.js';
import { MODELS } from './model-registry.js';

/**
 * What to add to `E_NOT_FOUND` when a `model` given as a path names no file: when it looks like a
 * registry name instead (no folder in it and no `.onnx` ending, or a few edits from a registry
 * name), the closest registry name and the list of them; `undefined` for what looks like a path.
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
  const closest = didYouMean(model, names);
  if (closest === undefined && (/[\\/]/.test(model) || /\.onnx$/i.test(model))) return undefined;
  return `${JSON.stringify(clipText(model))} is not a registry name either.${closest ? ` Did you mean ${JSON.stringify(closest)}?` : ''} Registry names: ${names.join(', ')}`;
}
