// A route on Next.js' edge runtime, as a user writes it with the packed packages: `export const
// runtime = 'edge'` and createClassifier from onnx-mobilenet. The edge runtime cannot run
// onnxruntime; the route must get E_RUNTIME naming the runtime (issue 21, deliverable 5), not
// E_MODEL_LOAD blaming the int8 model, which the same app's Node route classifies with.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { describeWithAssets } from '../assets.js';
import { freePort, installApp, REPO_ROOT, runBin } from './browser-install.js';

/** A route that loads the model named in its query and says what happened, on the given runtime. */
const route = (runtime: 'edge' | 'nodejs') => `import { createClassifier } from 'onnx-mobilenet';
export const runtime = '${runtime}';
export const dynamic = 'force-dynamic';
export async function GET(request: Request) {
  const query = new URL(request.url).searchParams;
  try {
    const classifier = await createClassifier({ model: query.get('model')!, labels: query.get('labels')!, allowPrivateNetwork: true, threads: 1 });
    await classifier.dispose();
    return Response.json({ loaded: true });
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    return Response.json({ code, message });
  }
}
`;

describeWithAssets('a Next.js route on the edge runtime (packed packages, next build + next start)', () => {
  let app: string;
  let data: StaticServer;
  let next: ChildProcess | undefined;
  let origin: string;
  let log = '';

  beforeAll(async () => {
    app = await installApp(undefined, {
      next: '16.5.0',
      react: '19.3.1',
      'react-dom': '19.3.1',
      typescript: '~5.9.3',
      '@types/react': '^19.2.0',
      '@types/node': '20.19.43',
    });
    for (const runtime of ['edge', 'nodejs'] as const) {
      mkdirSync(join(app, `app/api/${runtime}`), { recursive: true });
      writeFileSync(join(app, `app/api/${runtime}/route.ts`), route(runtime));
    }
    writeFileSync(join(app, 'next.config.mjs'), 'export default {};\n');
    data = await serveStatic(join(REPO_ROOT, 'test/browser'));
    runBin(app, 'next', ['build']);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    next = spawn(join(app, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: app,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    next.stdout?.on('data', (d) => (log += d));
    next.stderr?.on('data', (d) => (log += d));
    for (
      let i = 0;
      i < 150 &&
      !(await fetch(`${origin}/api/nodejs`).then(
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
    if (app) rmSync(app, { recursive: true, force: true });
  });

  const query = () =>
    `?model=${encodeURIComponent(`${data.origin}/data/models/mobilenetv2-12-int8.onnx`)}&labels=${encodeURIComponent(`${data.origin}/data/models/synset.txt`)}`;

  it('the Node.js route loads the model (the model is sound)', async () => {
    const res = await fetch(`${origin}/api/nodejs${query()}`);
    expect(await res.json(), log).toEqual({ loaded: true });
  });

  it('the edge route gets E_RUNTIME naming the runtime, not E_MODEL_LOAD', async () => {
    const res = await fetch(`${origin}/api/edge${query()}`);
    const body = (await res.json()) as { code?: string; message: string };
    console.log(`edge route: ${body.code}: ${body.message}`);
    // Next.js 16.5's edge sandbox has no dynamic import(), which onnxruntime-web starts its wasm with
    expect(body, log).toMatchObject({
      code: 'E_RUNTIME',
      message: expect.stringMatching(/^onnxruntime-web cannot run in this runtime: no available backend found\..*Fix: .*export const runtime = 'nodejs'/),
    });
    expect(body.message).not.toMatch(/not a valid ONNX model/);
  });
});
