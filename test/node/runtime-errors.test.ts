// A runtime that cannot run the classifier is named (E_RUNTIME), not blamed on the model (issue 21,
// deliverable 5). Each cause is made real where Node can make it: V8 refusing wasm code generation
// (a vm context with codeGeneration.wasm off, as edge runtimes set it), Node refusing import() in a
// vm script, an HTML page where the .wasm should be; each thrown from an onnxruntime backend's
// init, so onnxruntime-common wraps it in its own "no available backend found" as it does on an
// edge runtime. Messages give the size of the model file given, not of the graph rewritten from it.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { type ClassifierBackend, createClassifierWithBackend, type RuntimeSession } from '@onnx-mobilenet/core/adapter';
import { createWebBackend } from '@onnx-mobilenet/web/adapter';
import { INT8_MODEL, SYNSET, describeWithAssets } from '../assets.js';
import { assertFreshDist } from '../fresh-dist.js';

/** The part of onnxruntime-common used here (the root has no dependency on it, so no types either). */
interface OrtCommon {
  registerBackend(
    name: string,
    backend: { init(): Promise<void>; createInferenceSessionHandler(model: string | Uint8Array): Promise<never> },
    priority: number,
  ): void;
  InferenceSession: { create(model: Uint8Array, options: object): Promise<RuntimeSession['session']> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => ReturnType<RuntimeSession['createTensor']>;
}
// onnxruntime-common as core resolves it: the one whose InferenceSession onnxruntime's packages build on
const ortCommon = createRequire(fileURLToPath(new URL('../../packages/core/package.json', import.meta.url)))('onnxruntime-common') as OrtCommon;

/** The error a real runtime throws, captured by running the failing code. */
async function thrownBy(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected the runtime to refuse');
    },
    (err: unknown) => err,
  );
}

const WASM_HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
const causes = {
  // what V8 throws where the embedder disallows wasm code generation (Cloudflare Workers, Vercel Edge)
  wasmDisallowed: () =>
    thrownBy(() => vm.runInContext('WebAssembly.instantiate(bytes)', vm.createContext({ bytes: WASM_HEADER }, { codeGeneration: { wasm: false } }))),
  // what Node throws for import() in a vm script made without importModuleDynamically
  noDynamicImport: () => thrownBy(() => vm.runInContext('import("./ort-wasm-simd-threaded.mjs")', vm.createContext({}))),
  // what V8 throws for an HTML 404 page served where the .wasm should be
  htmlForWasm: () => thrownBy(() => WebAssembly.compile(new TextEncoder().encode('<!DOCTYPE html><title>404</title>'))),
};

let backendCount = 0;
/**
 * A classifier backend whose runtime is onnxruntime-common's own InferenceSession, with one backend
 * registered under a fresh name: its init throws `initError` (if any), its sessions `sessionError`.
 * Records the model bytes the runtime was handed.
 */
function ortBackend(init: { initError?: unknown; sessionError?: unknown }) {
  const name = `test-runtime-${++backendCount}`;
  const handed: Uint8Array[] = [];
  const backend: Parameters<OrtCommon['registerBackend']>[1] = {
    init: async () => {
      if (init.initError) throw init.initError;
    },
    createInferenceSessionHandler: async (model) => {
      handed.push(model as Uint8Array);
      throw init.sessionError;
    },
  };
  ortCommon.registerBackend(name, backend, 0);
  const classifierBackend: ClassifierBackend<never> = {
    runtime: {
      name: 'onnxruntime-test',
      createSession: async (model, options) => ({
        session: await ortCommon.InferenceSession.create(model, { ...options, executionProviders: [name] }),
        createTensor: (data, dims) => new ortCommon.Tensor('float32', data, dims),
      }),
    },
    assets: { loadAsset: async (asset) => readFileSync((asset as { path: string }).path) },
    decoder: { open: () => Promise.reject(new Error('not used')) },
    platform: { warn: () => undefined },
  };
  return { backend: classifierBackend, handed };
}

describeWithAssets('E_RUNTIME: a runtime that cannot work is named', () => {
  const load = (backend: ClassifierBackend<never>, precision: 'model' | 'fp32' = 'model') =>
    createClassifierWithBackend(backend, { model: INT8_MODEL, labels: SYNSET, precision, embeddings: false });

  it('names wasm code generation disallowed (edge runtimes), not the model', async () => {
    const { backend } = ortBackend({ initError: await causes.wasmDisallowed() });
    const err = await load(backend).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_RUNTIME', name: 'OnnxMobilenetError' });
    const { message } = err as Error;
    expect(message).toMatch(
      /no available backend found\. ERR: \[test-runtime-\d+\] CompileError: WebAssembly\.instantiate\(\): Wasm code generation disallowed by embedder/,
    );
    expect(message).toMatch(/forbids compiling WebAssembly.*import from 'onnx-mobilenet\/wasm'/);
    expect(message).not.toMatch(/not a valid ONNX model/);
  });

  it('names a missing dynamic import(), inside onnxruntime or in the adapter importing onnxruntime', async () => {
    const { backend } = ortBackend({ initError: await causes.noDynamicImport() });
    await expect(load(backend)).rejects.toMatchObject({
      code: 'E_RUNTIME',
      message: expect.stringMatching(/ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING.*has no dynamic import\(\)/),
    });
    // the web adapter's own import('onnxruntime-web/wasm') failing, unwrapped
    const importError = await causes.noDynamicImport();
    const raw: ClassifierBackend<never> = { ...backend, runtime: { name: 'onnxruntime-web', createSession: () => Promise.reject(importError) } };
    await expect(load(raw)).rejects.toMatchObject({
      code: 'E_RUNTIME',
      message: expect.stringMatching(
        /^onnxruntime-web cannot run in this runtime: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING: A dynamic import callback was not specified\. Fix: this runtime has no dynamic import\(\)/,
      ),
    });
  });

  it('names a .wasm URL that serves a web page, with wasmPaths', async () => {
    const { backend } = ortBackend({ initError: await causes.htmlForWasm() });
    await expect(load(backend)).rejects.toMatchObject({ code: 'E_RUNTIME', message: expect.stringMatching(/expected magic word.*wasmPaths/) });
  });

  it('names a backend that will not start for a reason it does not know as the runtime, never the model', async () => {
    const { backend } = ortBackend({ initError: new Error('the GPU adapter is lost') });
    await expect(load(backend)).rejects.toMatchObject({
      code: 'E_RUNTIME',
      message: expect.stringMatching(/no available backend found.*the GPU adapter is lost.*executionProviders/),
    });
  });

  it('blames a model the runtime refuses on the model, giving the size of the file given (not of its dequantized graph)', async () => {
    // the words onnxruntime-node uses for a model it cannot parse
    const sessionError = new Error('Failed to load model because protobuf parsing failed.');
    const { backend, handed } = ortBackend({ sessionError });
    const err = await load(backend, 'fp32').catch((e: unknown) => e);
    const fileBytes = statSync(INT8_MODEL).size;
    // the runtime was handed the dequantized graph, about 4x the file
    expect(handed[0]!.byteLength).toBeGreaterThan(2 * fileBytes);
    expect(err).toMatchObject({ code: 'E_MODEL_LOAD', message: expect.stringContaining(`(${fileBytes} bytes)`) });
    expect((err as Error).message).not.toContain(String(handed[0]!.byteLength));
  });
});

describeWithAssets('E_RUNTIME: the built web adapter and onnxruntime-web in a Node without WebAssembly (--no-expose-wasm)', () => {
  it('names the missing WebAssembly, not the model', async () => {
    assertFreshDist('web');
    const web = new URL('../../packages/web/dist/index.js', import.meta.url).href;
    const script = `
      const { readFileSync } = await import('node:fs');
      const { createClassifier } = await import(${JSON.stringify(web)});
      const model = new Uint8Array(readFileSync(${JSON.stringify(INT8_MODEL)}));
      const labels = readFileSync(${JSON.stringify(SYNSET)}, 'utf8').trim().split('\\n');
      await createClassifier({ model, labels, threads: 1 }).then(
        () => console.log('loaded'),
        (e) => console.log(e.code + ': ' + e.message),
      );`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--no-expose-wasm', '--input-type=module', '-e', script], { timeout: 120_000 });
    expect(stdout.trim()).toMatch(
      /^E_RUNTIME: onnxruntime-web cannot run in this runtime: no available backend found\. ERR: \[wasm\] .*WebAssembly.*Fix: this runtime has no WebAssembly/,
    );
  }, 130_000);
});

describe('E_RUNTIME: the web adapter where there is no image decoder (Node)', () => {
  it('names createImageBitmap for encoded bytes, and the canvas for pixels to read, instead of a ReferenceError', async () => {
    expect(typeof (globalThis as { createImageBitmap?: unknown }).createImageBitmap).toBe('undefined');
    const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    const { decoder } = createWebBackend();
    const err = await decoder.open(new Blob([jpeg], { type: 'image/jpeg' }), { limits: DEFAULTS.limits }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_RUNTIME', message: expect.stringMatching(/createImageBitmap is not defined.*raw pixels/) });
    // pixels that only need reading (an ImageData-like drawable) name the missing canvas
    const { readPixels } = await import('../../packages/web/src/read-pixels.js');
    expect(() => readPixels({} as never, 'the ImageBitmap', 2, 2, DEFAULTS.limits)).toThrow(
      expect.objectContaining({ code: 'E_RUNTIME', message: expect.stringMatching(/neither OffscreenCanvas nor a document/) }),
    );
  });
});
