// Baseline (3): transformers.js' image-classification pipeline on the same ONNX file and photos.
// It wants a model folder (config.json with id2label, preprocessor_config.json, onnx/model.onnx)
// and a graph whose input is `pixel_values` and output `logits`: this writes one to a temp folder
// with the names changed, and preprocessing set to the model card's values.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

function renameGraphIO(modelBytes) {
  const model = onnx.ModelProto.decode(modelBytes);
  const g = model.graph;
  const rename = new Map([
    [g.input[0].name, 'pixel_values'],
    [g.output[0].name, 'logits'],
  ]);
  for (const v of [...g.input, ...g.output]) if (rename.has(v.name)) v.name = rename.get(v.name);
  for (const node of g.node) {
    node.input = node.input.map((n) => rename.get(n) ?? n);
    node.output = node.output.map((n) => rename.get(n) ?? n);
  }
  return onnx.ModelProto.encode(model).finish();
}

export async function createTransformersPipeline(modelPath, labels) {
  const { pipeline, env } = await import('@huggingface/transformers');
  const root = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-tfjs-'));
  const dir = join(root, 'mobilenet');
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx/model.onnx'), renameGraphIO(readFileSync(modelPath)));
  const id2label = Object.fromEntries(labels.map((l) => [String(l.index), l.label]));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'mobilenet_v2', architectures: ['MobileNetV2ForImageClassification'], id2label, label2id: {} }),
  );
  writeFileSync(
    join(dir, 'preprocessor_config.json'),
    JSON.stringify({
      image_processor_type: 'MobileNetV2ImageProcessor',
      do_resize: true,
      size: { shortest_edge: 256 },
      resample: 2,
      do_center_crop: true,
      crop_size: { height: 224, width: 224 },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.485, 0.456, 0.406],
      image_std: [0.229, 0.224, 0.225],
    }),
  );
  env.allowRemoteModels = false;
  env.localModelPath = root;
  return pipeline('image-classification', 'mobilenet', { dtype: 'fp32', device: 'cpu' });
}
