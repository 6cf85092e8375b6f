// examples/aws-lambda as a user builds and deploys it: the example copied into a fresh npm project
// outside the workspace (its onnx-mobilenet packages from the packed tarballs), `npm run build`,
// then dist/function.zip unzipped into an empty folder the way Lambda unpacks it into /var/task,
// and index.handler invoked in a fresh Node process with no home directory and no node_modules
// anywhere but the zip's. Then a Vercel function in the same project: traced with @vercel/nft as
// Vercel's builder does, the traced files alone copied to an empty folder and invoked.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets } from '../assets.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { consumerEnv, exampleManifest, runOk } from './consumer-project.js';

const EXAMPLE = join(REPO_ROOT, 'examples/aws-lambda');
const TENCH = { wnid: 'n01440764', path: join(dirname(INT8_MODEL), '../images/n01440764_tench.JPEG') };
// Lambda's deployment package limits (decimal megabytes: stricter than the service's MiB)
const MAX_ZIPPED = 50e6;
const MAX_UNZIPPED = 250e6;

/** Every file under `dir` with its size, to see that an invocation wrote nothing there. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name))
    .map((p) => `${p.slice(dir.length)} ${statSync(p).size}`)
    .sort();
}

// Invokes the handler once per event, in order, as the Lambda runtime does in one container, and
// prints each result after a marker (the handler's own logs go to stdout too, as in Lambda).
// No network: the invocation runs in a network namespace of its own (only loopback, down) where
// unshare can make one without privileges, as on most Linux machines.
const NO_NETWORK = spawnSync('unshare', ['-rn', 'true']).status === 0;

const RUNNER = `
import { readFileSync } from 'node:fs';
const { handler } = await import(process.env.LAMBDA_TASK_ROOT + '/index.mjs');
for (const event of JSON.parse(readFileSync(process.argv[1], 'utf8'))) console.log('RESULT ' + JSON.stringify(await handler(event)));
`;

/**
 * A new Node process running `script` in `cwd`, as a function host starts one: only PATH, an
 * absent HOME, and no network where a namespace can be made.
 */
function freshNode(cwd: string, script: string, arg: string, home: string) {
  const node = [process.execPath, '--input-type=module', '-e', script, arg];
  const [cmd, ...args] = NO_NETWORK ? ['unshare', '-rn', ...node] : node;
  return spawnSync(cmd as string, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH, HOME: home, LAMBDA_TASK_ROOT: cwd, TZ: ':UTC', LANG: 'en_US.UTF-8' },
  });
}

// A Vercel function (Node.js runtime) using the library the same way, with its model beside it.
const VERCEL_FUNCTION = `import { fileURLToPath } from 'node:url';
import { createClassifier } from '@onnx-mobilenet/node';
const ready = createClassifier({
  model: fileURLToPath(new URL('../model/model.onnx', import.meta.url)),
  labels: fileURLToPath(new URL('../model/labels.txt', import.meta.url)),
});
export async function POST(request) {
  const predictions = await (await ready).classify(new Uint8Array(await request.arrayBuffer()));
  return Response.json({ predictions });
}
`;
// What Vercel's Node builder does before it zips a function: trace the files it needs (@vercel/nft).
const TRACE = `
import { nodeFileTrace } from '@vercel/nft';
const base = process.argv[1];
const { fileList } = await nodeFileTrace([base + '/api/classify.mjs'], { base });
console.log(JSON.stringify([...fileList]));
`;
const INVOKE_VERCEL = `
import { readFileSync } from 'node:fs';
const { POST } = await import(process.cwd() + '/api/classify.mjs');
const response = await POST(new Request('http://localhost/api/classify', { method: 'POST', body: readFileSync(process.argv[1]) }));
console.log('RESULT ' + JSON.stringify({ status: response.status, body: await response.json() }));
`;

describeWithAssets('examples/aws-lambda from the packed packages', () => {
  let app: string;
  let task: string;
  let scratch: string;
  let zip: Uint8Array;
  let entries: Record<string, Uint8Array>;
  let buildLog: string;

  beforeAll(() => {
    app = mkdtempSync(join(inject('packedRoot'), 'aws-lambda-'));
    cpSync(join(EXAMPLE, 'src'), join(app, 'src'), { recursive: true });
    cpSync(join(EXAMPLE, 'build.mjs'), join(app, 'build.mjs'));
    writeFileSync(join(app, 'package.json'), exampleManifest(EXAMPLE, inject('tarballs')));
    runOk(app, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline']);
    // the model and labels by flag, as a user outside this repository gives them
    const env = consumerEnv();
    delete env.ONNX_MOBILENET_ASSETS;
    buildLog = runOk(app, 'npm', ['run', 'build', '--', '--model', INT8_MODEL, '--labels', SYNSET], env);
    zip = readFileSync(join(app, 'dist/function.zip'));
    entries = unzipSync(zip);
    // straight under the OS temp folder: no node_modules on the way up, as under /var/task
    task = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-lambda-task-'));
    scratch = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-lambda-scratch-'));
    for (const [name, bytes] of Object.entries(entries)) {
      if (name.endsWith('/')) continue;
      mkdirSync(dirname(join(task, name)), { recursive: true });
      writeFileSync(join(task, name), bytes);
    }
  }, 600_000);
  afterAll(() => {
    for (const dir of [task, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fits Lambda: at most 50 MB zipped and 250 MB unzipped, with linux-x64 binaries only', () => {
    const unzipped = Object.values(entries).reduce((n, b) => n + b.length, 0);
    console.log(`function.zip: ${(zip.length / 1e6).toFixed(1)} MB zipped, ${(unzipped / 1e6).toFixed(1)} MB unzipped; ${buildLog.trim().split('\n').at(-1)}`);
    expect(zip.length).toBeLessThanOrEqual(MAX_ZIPPED);
    expect(unzipped).toBeLessThanOrEqual(MAX_UNZIPPED);
    const names = Object.keys(entries);
    expect(names).toContain('index.mjs');
    expect(entries['model/model.onnx']).toEqual(new Uint8Array(readFileSync(INT8_MODEL)));
    const ortTargets = new Set(names.map((n) => /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/([^/]+\/[^/]+)\//.exec(n)?.[1]).filter(Boolean));
    expect([...ortTargets]).toEqual(['linux/x64']);
    expect(names).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1');
    const imgPackages = new Set(names.map((n) => /^node_modules\/@img\/([^/]+)\//.exec(n)?.[1]).filter(Boolean));
    expect([...imgPackages].sort()).toEqual(['colour', 'sharp-libvips-linux-x64', 'sharp-linux-x64']);
    expect(names.some((n) => n.startsWith('node_modules/@onnx-mobilenet/'))).toBe(false); // bundled into index.mjs
  });

  it(`index.handler classifies the tench from the unzipped folder, with no home${NO_NETWORK ? ' and no network' : ''}, and answers bad requests with typed errors`, () => {
    let up = task;
    while (dirname(up) !== up) {
      up = dirname(up);
      expect(existsSync(join(up, 'node_modules')), `${up}/node_modules must not exist`).toBe(false);
    }
    const tench = readFileSync(TENCH.path).toString('base64');
    const events = [
      { body: tench, isBase64Encoded: true },
      { body: Buffer.from('not an image at all').toString('base64'), isBase64Encoded: true },
      { body: 'raw text', isBase64Encoded: false },
      { body: tench, isBase64Encoded: true, queryStringParameters: { top: '1' } },
      // more base64 than an image of limits.maxEncodedBytes (64 MiB) takes: refused before decoding
      { body: 'A'.repeat(Math.ceil((64 * 2 ** 20) / 3) * 4 * 1.05), isBase64Encoded: true },
    ];
    const eventsFile = join(scratch, 'events.json');
    writeFileSync(eventsFile, JSON.stringify(events));
    const home = join(scratch, 'home'); // absent: Lambda gives no writable home
    const before = listing(task);
    const r = freshNode(task, RUNNER, eventsFile, home);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const results = lines.filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)));
    const bodies = results.map((x) => JSON.parse(x.body));
    expect(results.map((x) => x.statusCode)).toEqual([200, 422, 400, 200, 413]);
    expect(results.every((x) => x.headers['content-type'] === 'application/json')).toBe(true);
    expect(bodies[0].predictions[0]).toMatchObject({ id: TENCH.wnid, label: 'tench' });
    expect(bodies[0].predictions).toHaveLength(5);
    expect(bodies[1].error).toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringMatching(/cannot decode image/) });
    expect(bodies[2].error).toMatchObject({ code: 'E_INPUT', message: expect.stringMatching(/isBase64Encoded: true/) });
    expect(bodies[3].predictions).toHaveLength(1);
    expect(bodies[3].predictions[0].id).toBe(TENCH.wnid);
    expect(bodies[4].error).toMatchObject({ code: 'E_LIMIT', message: expect.stringMatching(/maxEncodedBytes/) });
    // one classifier for the container, created by the first request
    expect(lines.filter((l) => l.includes('"classifier loaded"'))).toHaveLength(1);
    expect(existsSync(home)).toBe(false);
    expect(listing(task)).toEqual(before);
  });

  it("a Vercel function: @vercel/nft's trace is within 250 MB with no setting, and runs from an empty folder", () => {
    // the function and its model in the app the example was installed in (npm, from the tarballs)
    mkdirSync(join(app, 'api'));
    writeFileSync(join(app, 'api/classify.mjs'), VERCEL_FUNCTION);
    mkdirSync(join(app, 'model'));
    cpSync(INT8_MODEL, join(app, 'model/model.onnx'));
    cpSync(SYNSET, join(app, 'model/labels.txt'));
    const tools = join(scratch, 'tools');
    mkdirSync(tools);
    writeFileSync(join(tools, 'package.json'), '{"private":true}');
    runOk(tools, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '@vercel/nft@1.11.16']);
    const traced: string[] = JSON.parse(runOk(tools, process.execPath, ['--input-type=module', '-e', TRACE, app]));
    const fn = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-vercel-fn-'));
    try {
      let bytes = 0;
      for (const f of traced) {
        const from = join(app, f);
        if (!statSync(from).isFile()) continue;
        bytes += statSync(from).size;
        mkdirSync(dirname(join(fn, f)), { recursive: true });
        cpSync(from, join(fn, f));
      }
      console.log(`Vercel function trace: ${traced.length} files, ${(bytes / 1e6).toFixed(1)} MB`);
      expect(bytes).toBeLessThanOrEqual(MAX_UNZIPPED);
      expect(traced).toContain('model/model.onnx');
      expect(traced).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1');
      const home = join(scratch, 'vercel-home');
      const r = freshNode(fn, INVOKE_VERCEL, TENCH.path, home);
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(
        r.stdout
          .split('\n')
          .find((l) => l.startsWith('RESULT '))!
          .slice(7),
      );
      expect(result.status).toBe(200);
      expect(result.body.predictions[0]).toMatchObject({ id: TENCH.wnid, label: 'tench' });
      expect(existsSync(home)).toBe(false);
    } finally {
      rmSync(fn, { recursive: true, force: true });
    }
  });
});
