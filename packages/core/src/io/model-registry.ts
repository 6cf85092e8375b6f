/** A model of the ONNX model zoo that onnx-mobilenet can download by name. */
export interface RegistryModel {
  /** Registry name, e.g. `'mobilenetv2-12-int8'`. */
  name: string;
  /** Download address of the `.onnx` file (the zoo's Git LFS file on GitHub). */
  url: string;
  /** sha256 of the file, checked before the file is used. */
  sha256: string;
  /** Size of the file in bytes. */
  bytes: number;
  /** ONNX opset of the graph. */
  opset: number;
  /** Weight precision of the graph. */
  precision: 'fp32' | 'int8';
  /** Top-1 accuracy (%) on ImageNet validation published by the model zoo. */
  top1: number;
  /** Top-5 accuracy (%) published by the model zoo, where published. */
  top5?: number | undefined;
}

/** A label file that onnx-mobilenet can download, pinned by sha256. */
export interface RegistryLabels {
  url: string;
  sha256: string;
  bytes: number;
}

/**
 * Where registry files are downloaded from: the ONNX model zoo's classification folder on GitHub
 * (Git LFS files). The `mirror` option replaces this prefix.
 *
 * @example
 * ```ts
 * `${MODEL_ZOO_BASE_URL}/synset.txt`; // the ImageNet class list
 * ```
 */
export const MODEL_ZOO_BASE_URL = 'https://github.com/onnx/models/raw/main/validated/vision/classification';
const ZOO = MODEL_ZOO_BASE_URL;

/**
 * The download URL of a registry file, from `mirror` when one is given (a folder laid out like
 * the zoo's: `synset.txt`, `mobilenet/model/<name>.onnx`).
 *
 * @example
 * ```ts
 * registryUrl(MODELS['mobilenetv2-7'].url, 'https://models.example.com/zoo');
 * // 'https://models.example.com/zoo/mobilenet/model/mobilenetv2-7.onnx'
 * ```
 */
export function registryUrl(url: string, mirror?: string): string {
  if (!mirror || !url.startsWith(ZOO)) return url;
  return mirror.replace(/\/+$/, '') + url.slice(ZOO.length);
}

/**
 * The ImageNet class list of the model zoo (`synset.txt`, 1000 lines in output order), used by
 * every registry model unless `labels` is given.
 *
 * @example
 * ```ts
 * IMAGENET_LABELS.sha256; // checked after every download
 * ```
 */
export const IMAGENET_LABELS: RegistryLabels = Object.freeze({
  url: `${ZOO}/synset.txt`,
  sha256: 'acf75ef0abe89694b19056e0796401068b459c457baa30335f240c7692857355',
  bytes: 31675,
});

/** The names {@link MODELS} holds: `MODELS[name]` of one of them is a model, never `undefined`. */
export type RegistryModelName = 'mobilenetv2-7' | 'mobilenetv2-10' | 'mobilenetv2-12' | 'mobilenetv2-12-int8' | 'mobilenetv2-12-qdq';

/**
 * The MobileNetV2 1.0 files of the ONNX model zoo, by name, with the facts needed to download
 * and verify them and their published ImageNet accuracy.
 *
 * @example
 * ```ts
 * import { MODELS } from '@onnx-mobilenet/core';
 * console.log(MODELS['mobilenetv2-12-int8'].top1); // 68.3
 * ```
 */
export const MODELS: Readonly<Record<RegistryModelName, RegistryModel> & Record<string, RegistryModel>> = Object.freeze({
  'mobilenetv2-7': {
    name: 'mobilenetv2-7',
    url: `${ZOO}/mobilenet/model/mobilenetv2-7.onnx`,
    sha256: 'c1c513582d56afceff8516c73804e484c81c6a830712ab6d682253f4a3cd042f',
    bytes: 14246826,
    opset: 7,
    precision: 'fp32',
    top1: 70.94,
    top5: 89.99,
  },
  'mobilenetv2-10': {
    name: 'mobilenetv2-10',
    url: `${ZOO}/mobilenet/model/mobilenetv2-10.onnx`,
    sha256: '0e7c0aa4bc74650386fa1d2c84705753de7c2bdb21909ada5c59154bb429e092',
    bytes: 13963115,
    opset: 10,
    precision: 'fp32',
    top1: 70.94,
    top5: 89.99,
  },
  'mobilenetv2-12': {
    name: 'mobilenetv2-12',
    url: `${ZOO}/mobilenet/model/mobilenetv2-12.onnx`,
    sha256: 'c0c3f76d93fa3fd6580652a45618618a220fced18babf65774ed169de0432ad5',
    bytes: 13964571,
    opset: 12,
    precision: 'fp32',
    top1: 69.48,
    top5: 89.26,
  },
  'mobilenetv2-12-int8': {
    name: 'mobilenetv2-12-int8',
    url: `${ZOO}/mobilenet/model/mobilenetv2-12-int8.onnx`,
    sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
    bytes: 3655033,
    opset: 12,
    precision: 'int8',
    top1: 68.3,
    top5: 88.44,
  },
  'mobilenetv2-12-qdq': {
    name: 'mobilenetv2-12-qdq',
    url: `${ZOO}/mobilenet/model/mobilenetv2-12-qdq.onnx`,
    sha256: '41a36090dafe98f4ad8f9b7fe0b218c56ac3c031e547f0367c30655d2702bffe',
    bytes: 3593903,
    opset: 12,
    precision: 'int8',
    top1: 67.4,
  },
});
