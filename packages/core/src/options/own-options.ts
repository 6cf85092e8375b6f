import { clipText, describeError, describeValue, OnnxMobilenetError } from '../errors/errors.js';

/**
 * How one option's value is read from the caller's object:
 * - `'boolean'`, `'string'`, `'number'`, `'function'`: a value of that type, taken as it is;
 * - `'value'`: taken as it is, checked where it is used (a signal, a hash, a class instance);
 * - `'data'`: plain objects and arrays copied deeply (own properties only, into objects without a
 *   prototype), anything else taken as it is;
 * - `'object'` / `'array'`: `'data'` that must be a plain object / an array;
 * - a nested {@link OptionShape}: an object whose named fields are read by their kinds and whose
 *   other own fields as `'data'`.
 */
export type OptionKind = 'boolean' | 'string' | 'number' | 'function' | 'value' | 'data' | 'object' | 'array' | OptionShape;

/** The kinds of an options object's fields, by name. */
export interface OptionShape {
  readonly [name: string]: OptionKind;
}

/** Deepest nesting of plain objects and arrays copied from an option (a cycle ends here too). */
const MAX_DEPTH = 16;
/** Most properties and elements copied from one options object, all levels together. */
const MAX_ENTRIES = 1_000_000;

/**
 * The caller's options as the library reads them: only the object's own enumerable properties,
 * copied (deeply for the nested option objects) into objects without a prototype, so that nothing
 * added to `Object.prototype` or `Array.prototype` elsewhere in the app (prototype pollution) can
 * pose as an option, not even for a key no caller sets (`sessionOptions.optimizedModelFilePath`),
 * and the caller's later changes do not reach a load or call in progress. Each field named in
 * `shape` is checked to be of its kind (`E_INPUT` naming it); fields not named are kept as given
 * (an adapter's own options). A getter that throws, or a Proxy that refuses to list its keys, is
 * `E_INPUT` naming the option. `undefined` fields are dropped.
 *
 * @param what - how messages name the object (`'createClassifier options'`, `'classify options'`).
 *
 * @example
 * ```ts
 * const own = ownOptions(options, ADAPTER_OPTION_KINDS, 'createClassifier options');
 * own.cacheDir; // the caller's own cacheDir, never Object.prototype.cacheDir
 * ```
 */
export function ownOptions<T extends object>(options: T | undefined, shape: OptionShape, what: string): T {
  if (options === undefined) return Object.create(null) as T;
  const budget = { entries: MAX_ENTRIES };
  try {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new OnnxMobilenetError('E_INPUT', `${what} must be an object, got ${describeValue(options)}`);
    }
    return copyShape(options as Record<string, unknown>, shape, '', budget, 0, what) as T;
  } catch (err) {
    if (err instanceof OnnxMobilenetError) throw err;
    // A Proxy's other traps (getPrototypeOf, getOwnPropertyDescriptor, a revoked one) throwing
    throw new OnnxMobilenetError('E_INPUT', `${what} could not be read: ${clipText(describeError(err))}`, { cause: err });
  }
}

interface Budget {
  entries: number;
}

/** The own enumerable string keys of `value`; a Proxy whose `ownKeys` throws is `E_INPUT`. */
function ownKeys(value: object, path: string, what: string): string[] {
  try {
    return Object.keys(value);
  } catch (err) {
    throw new OnnxMobilenetError('E_INPUT', `the keys of ${path || what} could not be read: ${clipText(describeError(err))}`, { cause: err });
  }
}

/** `value[key]`, calling a getter the caller defined; one that throws is `E_INPUT` naming the option. */
function read(value: object, key: string | number, path: string): unknown {
  try {
    return (value as Record<string | number, unknown>)[key];
  } catch (err) {
    throw new OnnxMobilenetError('E_INPUT', `reading option ${path} threw: ${clipText(describeError(err))}`, { cause: err });
  }
}

function spend(budget: Budget, count: number, path: string): void {
  budget.entries -= count;
  if (budget.entries < 0) throw new OnnxMobilenetError('E_INPUT', `option ${path} holds too many values (the options may hold ${MAX_ENTRIES} in all)`);
}

function copyShape(value: object, shape: OptionShape, path: string, budget: Budget, depth: number, what: string): Record<string, unknown> {
  const keys = ownKeys(value, path, what);
  spend(budget, keys.length, path || what);
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    const name = path ? `${path}.${key}` : key;
    const kind: OptionKind = Object.hasOwn(shape, key) ? shape[key]! : 'value';
    const v = readKind(read(value, key, name), kind, name, budget, depth + 1);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

function readKind(value: unknown, kind: OptionKind, path: string, budget: Budget, depth: number): unknown {
  if (value === undefined) return undefined;
  if (typeof kind === 'object') {
    if (!isPlainObject(value)) throw mustBe(path, 'an object', value);
    if (depth > MAX_DEPTH) throw tooDeep(path);
    return copyShape(value, kind, path, budget, depth, path);
  }
  switch (kind) {
    case 'boolean':
    case 'string':
    case 'number':
    case 'function':
      if (typeof value !== kind) throw mustBe(path, `a ${kind}`, value);
      return value;
    case 'object':
      if (!isPlainObject(value)) throw mustBe(path, 'an object', value);
      return copyData(value, path, budget, depth);
    case 'array':
      if (!Array.isArray(value)) throw mustBe(path, 'an array', value);
      return copyData(value, path, budget, depth);
    case 'data':
      return copyData(value, path, budget, depth);
    default:
      return value;
  }
}

/** Plain objects and arrays copied from their own properties (array holes read as `undefined`); anything else as it is. */
function copyData(value: unknown, path: string, budget: Budget, depth: number): unknown {
  if (Array.isArray(value)) {
    if (depth > MAX_DEPTH) throw tooDeep(path);
    const length = read(value, 'length', path) as number;
    // Checked before the loop: `new Array(1e9)` has no elements but would take a billion steps.
    spend(budget, length, path);
    const out: unknown[] = new Array(length);
    for (let i = 0; i < length; i++) {
      out[i] = Object.hasOwn(value, i) ? copyData(read(value, i, `${path}[${i}]`), `${path}[${i}]`, budget, depth + 1) : undefined;
    }
    return out;
  }
  if (!isPlainObject(value)) return value;
  if (depth > MAX_DEPTH) throw tooDeep(path);
  const keys = ownKeys(value, path, path);
  spend(budget, keys.length, path);
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) out[key] = copyData(read(value, key, `${path}.${key}`), `${path}.${key}`, budget, depth + 1);
  return out;
}

function mustBe(path: string, expected: string, value: unknown): OnnxMobilenetError {
  return new OnnxMobilenetError('E_INPUT', `${path} must be ${expected}, got ${describeValue(value)}`);
}

function tooDeep(path: string): OnnxMobilenetError {
  return new OnnxMobilenetError('E_INPUT', `option ${path} is nested deeper than ${MAX_DEPTH} levels`);
}

/**
 * Longest delay a runtime's `setTimeout` holds (2^31 - 1 ms, about 24.8 days): a longer one
 * overflows and fires at once, so every timer option is bounded by it.
 *
 * @example
 * ```ts
 * checkNumber('limits.downloadTimeoutMs', ms, { max: MAX_TIMER_MS });
 * ```
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The accepted range of a number option. Default: an integer from 1 to `Number.MAX_SAFE_INTEGER`. */
export interface NumberRange {
  min?: number | undefined;
  max?: number | undefined;
  /** Whether only integers are accepted (default true). */
  integer?: boolean | undefined;
  /** What sets `max`, shown in the message (e.g. "this browser's navigator.hardwareConcurrency"). */
  why?: string | undefined;
}

/**
 * The one check of number options: `value` must be absent or a finite number in the range (an
 * integer unless `integer: false`), else `E_INPUT` naming the option and the accepted range.
 * `Infinity`, `NaN`, `1e6 + 0.5` and numbers as strings are refused here, at creation, rather
 * than breaking every call later (a timer of 2^32 ms fires at once).
 *
 * @example
 * ```ts
 * checkNumber('concurrency', 0); // throws E_INPUT: concurrency must be a positive integer, got number 0
 * checkNumber('threshold', 0.5, { min: 0, max: 1, integer: false }); // passes
 * ```
 */
export function checkNumber(name: string, value: unknown, range: NumberRange = {}): void {
  if (value === undefined) return;
  // Own properties only: a range that leaves out min must not take Object.prototype.min
  const { min = 1, max = Number.MAX_SAFE_INTEGER, integer = true, why } = withoutPrototype<NumberRange>(range);
  if (typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max) return;
  const accepted =
    integer && min === 1 && max === Number.MAX_SAFE_INTEGER
      ? 'a positive integer'
      : `${integer ? 'an integer' : 'a number'} from ${min} to ${max}${why ? ` (${why})` : ''}`;
  throw new OnnxMobilenetError('E_INPUT', `${name} must be ${accepted}, got ${describeValue(value)}`);
}

/**
 * Accepted values as prose, the way every message and help text lists them: `a`, `a or b`,
 * `a, b or c`.
 *
 * @example
 * ```ts
 * orList(RESIZE_MODES); // 'shorter-side-crop or squash'
 * orList(RESIZE_MODES.map((m) => `'${m}'`)); // "'shorter-side-crop' or 'squash'"
 * ```
 */
export function orList(values: readonly string[]): string {
  return values.length < 2 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/**
 * The one check of options whose values are listed in a constant tuple (`RESIZE_MODES`): `value`
 * must be absent or one of `choices`, else `E_INPUT` naming the option and every accepted value
 * (the CLI's messages say it with {@link orList}, which stays out of the browser entry).
 *
 * @example
 * ```ts
 * checkChoice('preprocess.mode', 'stretch', RESIZE_MODES); // throws E_INPUT: preprocess.mode must be one of 'shorter-side-crop', 'squash', got the string "stretch"
 * ```
 */
export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): asserts value is T | undefined {
  if (value === undefined || choices.includes(value as T)) return;
  throw new OnnxMobilenetError('E_INPUT', `${name} must be one of '${choices.join("', '")}', got ${describeValue(value)}`);
}

/**
 * A new object without a prototype holding the own enumerable properties of `parts` (later ones
 * win), for objects handed to code that reads keys nobody set: onnxruntime reads
 * `optimizedModelFilePath` or `enableProfiling` from its session options, and on a plain object a
 * polluted `Object.prototype` would answer.
 *
 * @example
 * ```ts
 * const sessionOptions = withoutPrototype(given, { executionProviders: ['cpu'] });
 * ```
 */
export function withoutPrototype<T extends object>(...parts: readonly (object | undefined)[]): T {
  return Object.assign(Object.create(null) as T, ...parts);
}
