// Workers and Vercel Edge refuse to compile wasm at run time ("Wasm code generation disallowed
// by embedder"): the wasm path must run from precompiled modules alone. Here the test compiles
// them first, then makes every way of compiling bytes throw, as those runtimes do.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClassifier, WASM_FILES, type WasmModules } from '@onnx-mobilenet/wasm';
import { afterEach, expect, it, vi } from 'vitest';
import { FP32_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { assertFreshDist } from '../fresh-dist.js';

// the built package's copies: onnxruntime's and the codecs' (the build collects them)
const VENDOR = fileURLToPath(new URL('../../packages/wasm/dist/vendor/', import.meta.url));
const DISALLOWED = 'Wasm code generation disallowed by embedder';

const RealModule = WebAssembly.Module;

function forbidCompiling(): string[] {
  const attempts: string[] = [];
  // new WebAssembly.Module(bytes) compiles synchronously: refused too (instanceof still works through the proxy)
  WebAssembly.Module = new Proxy(RealModule, {
    construct() {
      attempts.push('Module');
      throw new WebAssembly.CompileError(`WebAssembly.Module(): ${DISALLOWED}`);
    },
  });
  const refuse = (what: string) => () => {
    attempts.push(what);
    throw new WebAssembly.CompileError(`WebAssembly.${what}(): ${DISALLOWED}`);
  };
  const instantiate = WebAssembly.instantiate.bind(WebAssembly);
  vi.spyOn(WebAssembly, 'compile').mockImplementation(refuse('compile'));
  vi.spyOn(WebAssembly, 'compileStreaming').mockImplementation(refuse('compileStreaming'));
  vi.spyOn(WebAssembly, 'instantiateStreaming').mockImplementation(refuse('instantiateStreaming'));
  // instantiating a Module is what Workers allow; instantiating bytes compiles them
  vi.spyOn(WebAssembly, 'instantiate').mockImplementation(((source: unknown, imports?: WebAssembly.Imports) =>
    source instanceof RealModule ? instantiate(source, imports) : refuse('instantiate')()) as typeof WebAssembly.instantiate);
  return attempts;
}

afterEach(() => {
  vi.restoreAllMocks();
  WebAssembly.Module = RealModule;
});

describeWithAssets('the wasm path without run-time compilation', () => {
  it('classifies the tench JPEG from precompiled modules with every wasm compile forbidden', async () => {
    assertFreshDist('wasm'); // the modules are the built package's (dist/vendor)
    const modules = Object.fromEntries(
      await Promise.all(Object.entries(WASM_FILES).map(async ([name, file]) => [name, await WebAssembly.compile(readFileSync(`${VENDOR}${file}`))])),
    ) as WasmModules;
    const attempts = forbidCompiling();
    const classifier = await createClassifier({ model: FP32_MODEL, labels: SYNSET, wasmModules: modules });
    try {
      // the JPEG codec runs from its module too: the tench, decoded and classified with nothing compiled
      const [top] = await classifier.classify(readFileSync(photos().find((p) => p.wnid === 'n01440764')!.path), { topK: 1 });
      expect(top?.id).toBe('n01440764');
      expect(attempts).toEqual([]);
    } finally {
      await classifier.dispose();
    }
  });

  it('without the modules, where nothing compiles, fails with the typed error that names the option', async () => {
    forbidCompiling();
    const err = await createClassifier({ model: FP32_MODEL, labels: SYNSET }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'OnnxMobilenetError', code: 'E_RUNTIME' });
    expect((err as Error).message).toMatch(/wasmModules/);
  });
});
