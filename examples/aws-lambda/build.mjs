// Builds dist/function.zip for AWS Lambda (Node.js 20 or 22 runtime, handler index.handler):
//   index.mjs      the handler and the library, bundled by esbuild
//   node_modules/  the native packages esbuild leaves external (onnxruntime-node, sharp) and undici
//                  (CommonJS), with what they require, for the one target: other platforms' binaries
//                  removed by `onnx-mobilenet prune-binaries` (pruneBinaries)
//   model/         the model and labels: the function has no network at cold start
//
// node build.mjs [--model file.onnx] [--labels synset.txt] [--arch x64|arm64]
// Model and labels default to $ONNX_MOBILENET_ASSETS/models (this repository's ../shared). For
// --arch arm64 on an x64 machine, sharp's arm64 packages must be installed too (the build names them).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pruneBinaries } from '@onnx-mobilenet/cli';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

const here = dirname(fileURLToPath(import.meta.url)); // import.meta.dirname needs Node 20.11
/** Stops the build with one line naming what to change. */
function fail(message) {
  console.error(`build.mjs: ${message}`);
  process.exit(1);
}
const { values } = parseArgs({ options: { model: { type: 'string' }, labels: { type: 'string' }, arch: { type: 'string', default: 'x64' } } });
const assets = resolve(here, process.env.ONNX_MOBILENET_ASSETS ? resolve(process.cwd(), process.env.ONNX_MOBILENET_ASSETS) : '../../../shared');
const model = resolve(values.model ?? join(assets, 'models/mobilenetv2-12-int8.onnx'));
const labels = resolve(values.labels ?? join(assets, 'models/synset.txt'));
for (const [flag, file] of [
  ['--model', model],
  ['--labels', labels],
]) {
  if (!existsSync(file)) fail(`${file} not found: pass ${flag} <file> (or set ONNX_MOBILENET_ASSETS to the folder holding models/)`);
}
if (values.arch !== 'x64' && values.arch !== 'arm64') fail(`--arch must be x64 or arm64 (Lambda's x86_64 or arm64), got ${values.arch}`);

// Native addons cannot be bundled; undici is CommonJS, which an ES module bundle cannot require.
const EXTERNAL = ['onnxruntime-node', 'sharp', 'undici'];
const dist = join(here, 'dist');
const out = join(dist, 'function');
rmSync(dist, { recursive: true, force: true });

// Where each external is imported from, so the same copy the bundle was built against is shipped.
/** @type {Map<string, string>} */
const importedFrom = new Map();
await build({
  entryPoints: [join(here, 'src/index.ts')],
  outfile: join(out, 'index.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // the library's chunks import each other for order only (no side effects): esbuild says so, harmlessly
  logOverride: { 'ignored-bare-import': 'silent' },
  plugins: [
    {
      name: 'native-external',
      setup(b) {
        b.onResolve({ filter: new RegExp(`^(${EXTERNAL.join('|')})(/|$)`) }, (args) => {
          const name = args.path.split('/')[0] ?? args.path;
          const dir = findPackage(name, args.resolveDir);
          if (!dir) throw new Error(`${name} is not installed where ${args.importer} imports it`);
          const seen = importedFrom.get(name);
          if (seen && seen !== dir) throw new Error(`two copies of ${name} are imported (${seen}, ${dir}): one node_modules/${name} can hold one`);
          importedFrom.set(name, dir);
          return { path: args.path, external: true };
        });
      },
    },
  ],
});

/** The package folder Node would load `name` from, looking up from `fromDir` (its real path). */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

// Each external and its dependencies (optional ones when installed), at the top of node_modules,
// or nested under the package that needs a second version.
/** @type {Map<string, string>} */
const placed = new Map(); // destination folder → source folder
function ship(name, source, nodeModules) {
  let dest = join(out, 'node_modules', name);
  if (placed.has(dest) && placed.get(dest) !== source) dest = join(nodeModules, name);
  if (placed.get(dest) === source) return;
  placed.set(dest, source);
  cpSync(source, dest, { recursive: true, dereference: true, filter: (src) => relative(source, src).split(/[\\/]/)[0] !== 'node_modules' });
  const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  for (const [deps, optional] of [
    [pkg.dependencies, false],
    [pkg.optionalDependencies, true],
  ]) {
    for (const dep of Object.keys(deps ?? {})) {
      const found = findPackage(dep, source);
      if (found) ship(dep, found, join(dest, 'node_modules'));
      else if (!optional) fail(`${dep} (needed by ${name}) is not installed: install the dependencies first`);
    }
  }
}
for (const [name, source] of importedFrom) ship(name, source, join(out, 'node_modules'));

const pruned = pruneBinaries(join(out, 'node_modules'), { platform: 'linux', arch: values.arch, libc: 'glibc' });
if (pruned.missing.length) fail(`no linux-${values.arch} binaries for: ${pruned.missing.join('; ')}`);

mkdirSync(join(out, 'model'));
cpSync(model, join(out, 'model/model.onnx'));
cpSync(labels, join(out, 'model/labels.txt'));

// Files readable by everyone (Lambda runs the code as another user than the one who built it),
// with a fixed date, so the same inputs give the same zip (and the same CodeSha256).
/** @type {Record<string, [Uint8Array, import('fflate').ZipOptions]>} */
const entries = {};
let unzipped = 0;
(function add(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) add(path);
    else {
      const bytes = readFileSync(path);
      unzipped += bytes.length;
      const mode = statSync(path).mode & 0o111 ? 0o755 : 0o644;
      entries[relative(out, path).split('\\').join('/')] = [bytes, { os: 3, attrs: ((0o100000 | mode) << 16) >>> 0, mtime: new Date('2000-01-01T00:00:00Z') }];
    }
  }
})(out);
const zip = zipSync(entries, { level: 9 });
writeFileSync(join(dist, 'function.zip'), zip);

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
console.log(
  `dist/function.zip: ${mb(zip.length)} zipped, ${mb(unzipped)} unzipped (Lambda: 50 MB zipped for a direct upload, 250 MB unzipped); linux-${values.arch}, ${mb(pruned.bytes)} of other platforms' binaries removed`,
);
