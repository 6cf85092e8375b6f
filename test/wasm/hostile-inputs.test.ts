// The wasm path's default entry (Node, Bun, Deno) under a server's inputs: image paths confined
// by imageRoots as in the Node adapter, a FIFO never waited on, model and label files read by the
// Node adapter's reader, and wasmModules checked before anything is instantiated.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClassifier, type WasmClassifier } from '@onnx-mobilenet/wasm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FP32_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { assertFreshDist } from '../fresh-dist.js';

describeWithAssets('the wasm path with image paths from strangers', () => {
  let dir: string;
  let confined: WasmClassifier;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'om-wasm-roots-'));
    mkdirSync(join(dir, 'photos'));
    copyFileSync(photos().find((p) => p.wnid === 'n01440764')!.path, join(dir, 'photos', 'tench.jpg'));
    symlinkSync('/etc/hostname', join(dir, 'photos', 'link'));
    execFileSync('mkfifo', [join(dir, 'photos', 'fifo')]);
    confined = await createClassifier({ model: FP32_MODEL, labels: SYNSET, imageRoots: [join(dir, 'photos')] });
  });
  afterAll(async () => {
    await confined?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a path under imageRoots, and refuses others alike (outside, a link out, missing), as E_FORBIDDEN', async () => {
    const [[top]] = [await confined.classify(join(dir, 'photos', 'tench.jpg'), { topK: 1 })];
    expect(top?.id).toBe('n01440764');
    for (const path of ['/etc/hostname', pathToFileURL('/etc/passwd').href, join(dir, 'photos', 'link'), join(dir, 'photos', 'missing.jpg')]) {
      await expect(confined.classify(path), path).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    }
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const open = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
    try {
      // a liveness bound only: a blocking open would never return
      await expect(open.classify(join(dir, 'photos', 'fifo'))).rejects.toMatchObject({ code: 'E_INPUT' });
    } finally {
      await open.dispose();
    }
  }, 30_000);

  it("reads model and label files with the Node adapter's reader: file: URLs, the limit named, a FIFO refused, the hash checked", async () => {
    // a file: URL was refused as a download (E_FORBIDDEN: only http: and https: are fetched)
    const byUrl = await createClassifier({ model: pathToFileURL(FP32_MODEL).href, labels: pathToFileURL(SYNSET).href, embeddings: false });
    expect(byUrl.labels).toHaveLength(1000);
    await byUrl.dispose();
    await expect(createClassifier({ model: FP32_MODEL, labels: SYNSET, limits: { maxLabelBytes: 100 } })).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining('over limits.maxLabelBytes (100)'),
    });
    await expect(createClassifier({ model: FP32_MODEL, labels: join(dir, 'photos', 'fifo') })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(createClassifier({ model: FP32_MODEL, sha256: '0'.repeat(64), labels: SYNSET })).rejects.toMatchObject({ code: 'E_MODEL_CHECKSUM' });
  }, 60_000);

  it('checks wasmModules before instantiating anything: unknown names, bytes, and the wrong module', async () => {
    assertFreshDist('wasm');
    const jpegCodec = await WebAssembly.compile(readFileSync(new URL('../../packages/wasm/dist/vendor/mozjpeg_dec.wasm', import.meta.url)));
    const cases: [string, Record<string, unknown>][] = [
      ['a misspelt name', { onnxRuntime: jpegCodec }],
      ['bytes instead of a module', { onnxruntime: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) }],
      ['the JPEG codec as onnxruntime', { onnxruntime: jpegCodec }],
    ];
    for (const [what, wasmModules] of cases) {
      const err = await createClassifier({ model: FP32_MODEL, labels: SYNSET, wasmModules: wasmModules as never }).catch((e: unknown) => e);
      expect(err, what).toMatchObject({ name: 'OnnxMobilenetError', code: 'E_INPUT', message: expect.stringMatching(/wasmModules/) });
    }
    // and a good classifier starts afterwards: nothing bad reached the runtime
    const good = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
    const [top] = await good.classify(readFileSync(join(dir, 'photos', 'tench.jpg')), { topK: 1 });
    expect(top?.id).toBe('n01440764');
    await good.dispose();
  });
});
