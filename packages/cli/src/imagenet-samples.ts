import { readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { OnnxMobilenetError, type EvalSample } from '@onnx-mobilenet/node';
import { clipText, countUpTo } from '@onnx-mobilenet/core/adapter';
import { readLocalFile } from '@onnx-mobilenet/node/adapter';
import { IMAGE_EXTENSIONS } from './expand-inputs.js';

const WNID = /^(n\d{8})/;
const isImage = (f: string) => IMAGE_EXTENSIONS.includes(f.split('.').pop()!.toLowerCase());

/**
 * Finds labelled images in an ImageNet-style folder: `<wnid>/*.JPEG` sub-folders, files named
 * `<wnid>_*.JPEG`, or any files listed in a ground-truth file (`file label` a line, label an output
 * index or a wnid; or a JSON object `{ "file": label }`).
 *
 * @example
 * ```ts
 * const samples = await loadImageNetSamples('../shared/images'); // [{ input: '.../n01440764_tench.JPEG', label: 'n01440764', name: ... }]
 * const result = await evaluate(classifier, samples);
 * ```
 */
export async function loadImageNetSamples(dir: string, options: { groundTruth?: string | undefined } = {}): Promise<EvalSample<string>[]> {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (err) {
    throw new OnnxMobilenetError('E_NOT_FOUND', `dataset folder not found: ${resolve(dir)}`, { cause: err });
  }
  if (options.groundTruth) return await fromGroundTruth(dir, options.groundTruth);
  const samples: EvalSample<string>[] = [];
  for (const entry of entries) {
    const path = join(dir, entry);
    const m = WNID.exec(entry);
    if (statSync(path).isDirectory()) {
      const wnid = m?.[1];
      if (!wnid || entry !== wnid) continue;
      for (const f of readdirSync(path).sort()) if (isImage(f)) samples.push({ input: join(path, f), label: wnid, name: `${entry}/${f}` });
    } else if (m?.[1] && isImage(entry)) {
      samples.push({ input: path, label: m[1], name: entry });
    }
  }
  if (samples.length === 0) {
    throw new OnnxMobilenetError(
      'E_INPUT',
      `no labelled images in ${resolve(dir)}: expected <wnid>/ sub-folders, files named <wnid>_*.JPEG, or --ground-truth`,
    );
  }
  return samples;
}

/**
 * Bounds of a ground-truth file, checked as it is read and before it is split: ImageNet's 50,000
 * validation images take 2 MB of "file label" lines; 16 MiB and 1,000,000 samples leave room for
 * 20 times that, and keep the parsed samples to a few hundred MB at most.
 */
export const GROUND_TRUTH_LIMITS = Object.freeze({ maxBytes: 16 * 2 ** 20, maxSamples: 1_000_000 });

/** A JSON ground truth `{ "file": "wnid", ... }`; one that does not parse is `E_INPUT` (V8's message would quote the file). */
function parseGroundTruthJson(text: string, file: string): Record<string, string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OnnxMobilenetError('E_INPUT', `the ground-truth file ${clipText(resolve(file))} starts with "{" but is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OnnxMobilenetError('E_INPUT', `the ground-truth file ${clipText(resolve(file))} must map file names to classes`);
  }
  return parsed as Record<string, string | number>;
}

async function fromGroundTruth(dir: string, file: string): Promise<EvalSample<string>[]> {
  // Bounded and non-blocking: /dev/zero or a FIFO is E_INPUT at once, a larger file E_LIMIT.
  const bytes = await readLocalFile(file, { what: 'ground-truth', maxBytes: GROUND_TRUTH_LIMITS.maxBytes, failCode: 'E_INPUT' });
  const text = new TextDecoder().decode(bytes);
  // A sample a line, or at most one per comma in JSON: counted before anything is split or parsed.
  const separators = countUpTo(text, text.trim().startsWith('{') ? ',' : '\n', GROUND_TRUTH_LIMITS.maxSamples);
  if (separators >= GROUND_TRUTH_LIMITS.maxSamples) {
    throw new OnnxMobilenetError(
      'E_LIMIT',
      `the ground-truth file ${resolve(file)} lists more than ${GROUND_TRUTH_LIMITS.maxSamples} samples; split the evaluation into smaller sets`,
    );
  }
  const pairs: [string, string][] = text.trim().startsWith('{')
    ? Object.entries(parseGroundTruthJson(text, file)).map(([k, v]) => [k, String(v)])
    : text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => {
          const parts = l.split(/[\s,]+/);
          return [parts[0], parts[parts.length - 1]] as [string, string];
        });
  return pairs.map(([f, label]) => ({
    input: isAbsolute(f) ? f : join(dir, f),
    label: /^\d+$/.test(label) ? Number(label) : label,
    name: basename(f),
  }));
}
