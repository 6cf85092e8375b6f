// examples/nextjs's edge route (`export const runtime = 'edge'`, app/api/classify-edge/route.ts) in a
// fresh Next.js app with the packed packages, built with `next build` (Turbopack) and served by
// `next start`: onnx-mobilenet resolves to its wasm path under Next's `edge-light` condition, Next
// binds the `?module` wasm import as a precompiled module (its edge functions' `wasm` bindings),
// and the route classifies the tench POSTed to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { IMAGES_DIR, describeWithAssets } from '../assets.js';
import { freePort, installApp, NEXT_APP_DEPS, REPO_ROOT, runBin } from './browser-install.js';
import { againstVercelEdgeLimits } from './vercel-edge-limits.js';

const EXAMPLE = join(REPO_ROOT, 'examples/nextjs');
const ROUTE = 'app/api/classify-edge/route.ts';
// the edge route and what it imports from the example
const EXAMPLE_FILES = [ROUTE, 'app/classifier-config.ts', 'app/classify-upload.ts'];
const TENCH = { wnid: 'n01440764', path: join(IMAGES_DIR, 'n01440764_tench.JPEG') };

interface EdgeFunction {
  files: string[];
  wasm?: { name: string; filePath: string }[];
}

function form(bytes: Uint8Array, name: string): FormData {
  const body = new FormData();
  body.set('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
  return body;
}

describeWithAssets("examples/nextjs's edge route (packed packages, next build + next start)", () => {
  let app: string;
  let data: StaticServer;
  let next: ChildProcess | undefined;
  let origin: string;
  let startedAt = 0;
  let log = '';

  beforeAll(async () => {
    app = await installApp(undefined, NEXT_APP_DEPS);
    for (const file of EXAMPLE_FILES) {
      mkdirSync(dirname(join(app, file)), { recursive: true });
      copyFileSync(join(EXAMPLE, file), join(app, file));
    }
    writeFileSync(
      join(app, 'app/layout.tsx'),
      'export default function Layout({ children }: { children: React.ReactNode }) {\n  return <html lang="en"><body>{children}</body></html>;\n}\n',
    );
    writeFileSync(join(app, 'next.config.mjs'), 'export default {};\n');
    data = await serveStatic(IMAGES_DIR);
    log += runBin(app, 'next', ['build']);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    startedAt = Date.now();
    next = spawn(join(app, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: app,
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        ONNX_MOBILENET_MODEL_URL: `${data.origin}/data/models/mobilenetv2-12-int8.onnx`,
        ONNX_MOBILENET_LABELS_URL: `${data.origin}/data/models/synset.txt`,
        ONNX_MOBILENET_ALLOW_PRIVATE_NETWORK: '1',
      },
    });
    next.stdout?.on('data', (d) => (log += d));
    next.stderr?.on('data', (d) => (log += d));
    for (
      let i = 0;
      i < 150 &&
      !(await fetch(origin).then(
        () => true,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 200));
  }, 900_000);
  afterAll(async () => {
    next?.kill('SIGTERM');
    await data?.close();
  });

  it('the build binds the wasm as a precompiled module of the edge function', () => {
    const manifest = JSON.parse(readFileSync(join(app, '.next/server/middleware-manifest.json'), 'utf8')) as { functions: Record<string, EdgeFunction> };
    const fn = manifest.functions['/api/classify-edge/route'];
    expect(fn, JSON.stringify(manifest)).toBeDefined();
    const wasm = fn?.wasm ?? [];
    // onnxruntime-web's wasm from @onnx-mobilenet/wasm, the same bytes
    const ort = readFileSync(join(app, 'node_modules/@onnx-mobilenet/wasm/dist/vendor/ort-wasm-simd-threaded.wasm'));
    const bound = wasm.map((w) => readFileSync(join(app, '.next', w.filePath)));
    expect(bound.some((b) => b.equals(ort))).toBe(true);
    // each wasm once (the codecs' own `new URL('<codec>.wasm', import.meta.url)` made Next emit them twice)
    expect(new Set(wasm.map((w) => w.name)).size, JSON.stringify(wasm)).toBe(wasm.length);

    const gz = (file: string) => gzipSync(readFileSync(join(app, '.next', file)), { level: 9 }).byteLength;
    const codeGz = (fn?.files ?? []).reduce((n, f) => n + gz(f), 0);
    const wasmGz = wasm.reduce((n, w) => n + gz(w.filePath), 0);
    const total = codeGz + wasmGz;
    const raw = wasm.reduce((n, w) => n + statSync(join(app, '.next', w.filePath)).size, 0);
    console.log(
      `next edge function /api/classify-edge: code ${(codeGz / 1e6).toFixed(2)} MB gz + wasm ${(raw / 1e6).toFixed(2)} MB (${(wasmGz / 1e6).toFixed(2)} MB gz) = ${(total / 1e6).toFixed(2)} MB gz; ` +
        `Vercel Edge limits: ${againstVercelEdgeLimits(total)}`,
    );
  });

  it('classifies the tench POSTed to the edge route', async () => {
    const res = await fetch(`${origin}/api/classify-edge`, { method: 'POST', body: form(readFileSync(TENCH.path), 'tench.jpg') });
    const firstMs = Date.now() - startedAt;
    const body = (await res.json()) as { predictions?: { id: string; label: string }[] };
    expect(res.status, `${JSON.stringify(body)}\n${log}`).toBe(200);
    expect(body.predictions?.[0]).toMatchObject({ id: TENCH.wnid, label: 'tench' });
    const from = Date.now();
    await fetch(`${origin}/api/classify-edge`, { method: 'POST', body: form(readFileSync(TENCH.path), 'tench.jpg') });
    console.log(`next edge route: next start to first result ${firstMs} ms (model download from 127.0.0.1 included); next request ${Date.now() - from} ms`);
  });

  it('a corrupt image gets the typed error as JSON', async () => {
    const res = await fetch(`${origin}/api/classify-edge`, { method: 'POST', body: form(readFileSync(TENCH.path).subarray(0, 600), 'cut.jpg') });
    expect(res.status, log).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'E_IMAGE_DECODE', message: expect.any(String) } });
  });
});
