// Robustness of the Node adapter: bad models, load, disposal, cancellation and cache faults.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MODELS, createClassifier, type NodeClassifier } from '@onnx-mobilenet/node';
import { identityModel } from '../onnx-models.js';
import { INPUT_SIZE, INT8_MODEL, SYNSET, describeWithAssets, photo, photos } from '../assets.js';
import { serveFiles, type FileServer } from '../serve-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describeWithAssets('bad models', () => {
  it('names what was expected and found', async () => {
    await expect(createClassifier({ model: SYNSET, labels: SYNSET })).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('not a valid ONNX model'),
    });
    const int8 = readFileSync(INT8_MODEL);
    await expect(createClassifier({ model: int8.subarray(0, int8.length / 2), labels: SYNSET })).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
    await expect(createClassifier({ model: await identityModel(['N', 1, 28, 28], ['N', 1, 28, 28]), labels: SYNSET })).rejects.toMatchObject({
      code: 'E_MODEL_SHAPE',
      message: expect.stringMatching(/expected the model input "input" to be float32 N×3×H×W .*found float32 \[N, 1, 28, 28\]/),
    });
    await expect(
      createClassifier({ model: await identityModel(['N', 3, INPUT_SIZE, INPUT_SIZE], ['N', 3, INPUT_SIZE, INPUT_SIZE]), labels: SYNSET }),
    ).rejects.toMatchObject({
      code: 'E_MODEL_SHAPE',
      message: expect.stringMatching(new RegExp(`N×classes .*found float32 \\[N, 3, ${INPUT_SIZE}, ${INPUT_SIZE}\\]`)),
    });
    await expect(createClassifier({ model: INT8_MODEL, labels: SYNSET, limits: { maxModelBytes: 1_000_000 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });
});

describeWithAssets('load, disposal and cancellation', () => {
  let classifier: NodeClassifier;
  let jpegs: Buffer[];
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    jpegs = photos().map((p) => readFileSync(p.path));
  });
  afterAll(() => classifier?.dispose());

  it('returns for 200 concurrent calls exactly what the same calls return one by one', async () => {
    const inputs = Array.from({ length: 200 }, (_, i) => jpegs[i % jpegs.length]!);
    const sequential: Float32Array[] = [];
    for (const x of inputs.slice(0, jpegs.length)) sequential.push(await classifier.logits(x));
    const concurrent = await Promise.all(inputs.map((x) => classifier.logits(x)));
    concurrent.forEach((l, i) => {
      expect(Array.from(l), `call ${i}`).toEqual(Array.from(sequential[i % jpegs.length]!));
    });
  });

  it('rejects with E_DISPOSED every call that has not reached the session when disposed, and later calls', async () => {
    const c = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    // Disposed in the same tick: every image is still decoding, none can have run.
    const calls = Promise.allSettled(jpegs.map((j) => c.classify(j)));
    const disposing = c.dispose();
    const settled = await calls;
    await disposing;
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as { code?: string }).code : s.status))).toEqual(jpegs.map(() => 'E_DISPOSED'));
    await expect(c.classify(jpegs[0]!)).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });

  it('settles every call in flight when disposed mid-run: right predictions or E_DISPOSED, nothing else', async () => {
    const reference = await classifier.classify(jpegs);
    const c = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    const calls = jpegs.map((j) => c.classify(j));
    const settling = Promise.allSettled(calls);
    await Promise.race(calls); // a run has finished: dispose meets calls run, running, queued or decoding
    await c.dispose();
    const settled = await settling;
    const fulfilled = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [{ i, predictions: s.value }] : []));
    const rejected = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as { code?: string }] : []));
    expect(fulfilled.length + rejected.length).toBe(jpegs.length);
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    // A call that fulfils (all of them, if the last batch was already running) carries real predictions.
    for (const { i, predictions } of fulfilled) {
      expect(
        predictions.map((p) => p.id),
        `photo ${i}`,
      ).toEqual(reference[i]!.map((p) => p.id));
      predictions.forEach((p, r) => {
        expect(p.probability).toBeCloseTo(reference[i]![r]!.probability, 5);
      });
    }
    expect(rejected.map((r) => r.code)).toEqual(rejected.map(() => 'E_DISPOSED'));
    console.log(`dispose mid-run: ${fulfilled.length} fulfilled, ${rejected.length} rejected with E_DISPOSED`);
    await expect(c.classify(jpegs[0]!)).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });

  it('cancels a pending classify with its AbortSignal and stays usable', async () => {
    const controller = new AbortController();
    const busy = Promise.all(jpegs.map((j) => classifier.classify(j)));
    const pending = classifier.classify(jpegs[0]!, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await busy;
    const already = AbortSignal.abort();
    await expect(classifier.classify(jpegs[0]!, { signal: already })).rejects.toMatchObject({ name: 'AbortError' });
    expect((await classifier.classify(photo(0).path))[0]?.id).toBe(photo(0).wnid);
  });

  it('keeps memory bounded over 200 classifiers created, used and disposed', async () => {
    const model = readFileSync(INT8_MODEL);
    const labels = readFileSync(SYNSET);
    const cycle = async () => {
      const c = await createClassifier({ model, labels });
      await c.classify(jpegs[0]!);
      await c.dispose();
    };
    for (let i = 0; i < 20; i++) await cycle();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 200; i++) await cycle();
    const growth = (process.memoryUsage().rss - before) / 2 ** 20;
    console.log(`200 classifiers: RSS grew by ${growth.toFixed(1)} MB`);
    expect(growth).toBeLessThan(100);
  });
});

describeWithAssets('faults in the model cache', () => {
  let server: FileServer;
  let cacheDir: string;
  const sha = MODELS['mobilenetv2-12-int8'].sha256;
  const files = () => readdirSync(cacheDir, { recursive: true }).map(String);
  beforeAll(async () => {
    server = await serveFiles({
      '/zoo/mobilenet/model/mobilenetv2-12-int8.onnx': { file: readFileSync(INT8_MODEL) },
      '/zoo/synset.txt': { file: readFileSync(SYNSET) },
      '/stall.onnx': { stall: true },
    });
  });
  afterAll(() => server?.close());
  beforeAll(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-faults-'));
    return () => rmSync(cacheDir, { recursive: true, force: true });
  });

  it('abandons a stalled download after downloadTimeoutMs, leaving no partial file', async () => {
    const t0 = Date.now();
    await expect(
      createClassifier({
        allowPrivateNetwork: true,
        model: server.url('/stall.onnx'),
        sha256: sha,
        labels: SYNSET,
        cacheDir,
        limits: { downloadTimeoutMs: 300 },
      }),
    ).rejects.toMatchObject({ code: 'E_DOWNLOAD', message: expect.stringContaining('sent nothing for 300 ms') });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(files().filter((f) => f.endsWith('.onnx') || f.endsWith('.part'))).toEqual([]);
  });

  it('cancels a download with an AbortSignal, leaving no partial file', async () => {
    const controller = new AbortController();
    const loading = createClassifier({
      allowPrivateNetwork: true,
      model: server.url('/stall.onnx'),
      sha256: sha,
      labels: SYNSET,
      cacheDir,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    expect(files().filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('lets two processes fetch one model into one cache at once; both end with the verified file', async () => {
    const script = `
      import { createClassifier } from '@onnx-mobilenet/node';
      const c = await createClassifier({ allowPrivateNetwork: true, model: 'mobilenetv2-12-int8', mirror: ${JSON.stringify(server.url('/zoo'))}, cacheDir: ${JSON.stringify(cacheDir)} });
      const [best] = await c.classify(${JSON.stringify(photo(0).path)});
      console.log(best.id, c.model.source);
      await c.dispose();`;
    const run = () =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const p = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: join(root, 'packages/node') });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        p.on('close', (code) => done({ code, out }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(a.out).toContain(photo(0).wnid);
    const cached = join(cacheDir, 'models', `${sha}-mobilenetv2-12-int8.onnx`);
    expect(readFileSync(cached).equals(readFileSync(INT8_MODEL))).toBe(true);
    expect(files().filter((f) => f.endsWith('.part'))).toEqual([]);
    // and a file altered later is refused offline with a clear error rather than used
    writeFileSync(cached, Buffer.from('tampered'));
    await server.close();
    await expect(createClassifier({ allowPrivateNetwork: true, model: 'mobilenetv2-12-int8', mirror: server.url('/zoo'), cacheDir })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
    });
  });
});
