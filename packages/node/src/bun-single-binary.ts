/**
 * The native half of a `bun build --compile` executable: Bun's `#single-binary` (package.json
 * `imports`, `bun` condition). Its `prepareNative` runs before sharp and onnxruntime-node load.
 *
 * Bun embeds a `.node` file that is required by a constant path and, when it is required, writes
 * it to a temporary file of its own and loads that. The libraries those bindings link against are
 * not `.node` files and are found through the binding's own folder (`$ORIGIN`), which that
 * temporary file does not share: `libonnxruntime.so.1 cannot open shared object file`. And sharp
 * looks its binding up by a computed name at run time, which nothing in the executable answers:
 * `Could not load the "sharp" module using the linux-x64 runtime`.
 *
 * So this module names the libraries by constant paths (Bun inlines `process.platform` and
 * `process.arch` when it compiles, which embeds the target's files and drops the other branches),
 * and in the executable writes them to a private temporary folder, loads them there and removes
 * the folder: the bindings Bun loads next find each library already loaded under its soname. It
 * then answers sharp's look-up with the binding embedded here. Outside an executable (`bun run`,
 * `bun test`) it does nothing; Node, Deno and every other bundler get the empty `single-binary`.
 *
 * Written as ESM that keeps `require` (built without bundling): `require` with a constant path is
 * what Bun's bundler embeds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, describeError } from '@onnx-mobilenet/core/adapter';

/** The parts of Bun's API used here (the package does not depend on bun-types). */
declare const Bun: {
  readonly isStandaloneExecutable?: boolean;
  plugin(plugin: {
    name: string;
    setup(build: {
      onResolve(options: { filter: RegExp }, resolve: (args: { path: string }) => { path: string; namespace: string }): void;
      onLoad(options: { filter: RegExp; namespace: string }, load: () => { exports: Record<string, unknown>; loader: 'object' }): void;
    }): void;
  }): void;
};

/** A library a binding links against: its bytes in the executable, its soname, an exported symbol to load it by. */
interface EmbeddedLibrary {
  what: string;
  embedded: string;
  soname: string;
  symbol: string;
}

/** Name of the private folders the libraries are written to (`mkdtemp` adds the rest). */
const FOLDER_PREFIX = 'onnx-mobilenet-native-';

/** Namespace of the runtime plugin's answers. */
const NAMESPACE = 'onnx-mobilenet-native';

/** Libraries stay loaded for the life of the process: nothing may close them. */
const loaded: unknown[] = [];

/**
 * The sonames this process already mapped from a private folder: each thread that imports the
 * adapter (a Worker) runs this module again, and loading again would map a second copy.
 */
function mappedFromPrivateFolders(): Set<string> {
  const mapped = new Set<string>();
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return mapped;
  }
  const ours = new RegExp(`/${FOLDER_PREFIX}[^/]+/([^/\\s]+)(?: \\(deleted\\))?$`);
  for (const line of maps.split('\n')) {
    const soname = ours.exec(line)?.[1];
    if (soname !== undefined) mapped.add(soname);
  }
  return mapped;
}

/**
 * Writes each library to a private folder (0700, removed once they are loaded: a loaded library
 * needs no file) and loads it there with `bun:ffi`, so later `dlopen`s of the bindings find it by
 * soname.
 */
function loadLibraries(libraries: readonly EmbeddedLibrary[]): void {
  const mapped = mappedFromPrivateFolders();
  const todo = libraries.filter((lib) => !mapped.has(lib.soname));
  if (todo.length === 0) return;
  const { dlopen } = require('bun:ffi') as { dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): unknown };
  let dir: string | undefined;
  let doing = `create a private folder in ${tmpdir()}`;
  try {
    dir = mkdtempSync(join(tmpdir(), FOLDER_PREFIX));
    for (const lib of todo) {
      const path = join(dir, lib.soname);
      doing = `load ${lib.what}, written to ${path}`;
      writeFileSync(path, readFileSync(lib.embedded), { mode: 0o500 });
      loaded.push(dlopen(path, { [lib.symbol]: { args: [], returns: 'ptr' } }));
    }
  } catch (err) {
    throw new OnnxMobilenetError(
      'E_RUNTIME',
      `this executable could not ${clipText(doing)}: ${describeError(err)}. It writes its native libraries to a private folder in the temporary ` +
        'directory when it starts, which must be writable and allow running code (not mounted noexec): set TMPDIR to one that does',
      { cause: err },
    );
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** Answers sharp's run-time look-up of its binding (`@img/sharp-<platform>/sharp.node`) with `binding`. */
function provideSharpBinding(binding: Record<string, unknown>): void {
  const specifier = new RegExp(`^@img/sharp-${process.platform}-${process.arch}/sharp\\.node$`);
  Bun.plugin({
    name: 'onnx-mobilenet sharp binding',
    setup(build) {
      // a path without `.node`, or Bun would dlopen it
      build.onResolve({ filter: specifier }, () => ({ path: 'sharp-binding', namespace: NAMESPACE }));
      build.onLoad({ filter: /^sharp-binding$/, namespace: NAMESPACE }, () => ({ exports: binding, loader: 'object' }));
    },
  });
}

let prepared = false;

/**
 * Loads the embedded native libraries, in an executable only, before the first import of
 * onnxruntime-node or sharp (not at import: an app catches its `E_RUNTIME` where it creates a
 * classifier). Each require stays inside its platform's branch: Bun drops the branches of other
 * targets, with their paths, when it compiles.
 */
export function prepareNative(): void {
  if (prepared || !Bun.isStandaloneExecutable) return;
  if (process.platform === 'linux') {
    // Linux (glibc) x64 and arm64. sharp's libvips package exports its library as `./binary`
    // (sharp >= 0.35); onnxruntime-node has no exports map.
    const vipsPackage = require(`@img/sharp-libvips-${process.platform}-${process.arch}/package`) as { exports: Record<string, string> };
    loadLibraries([
      {
        what: "onnxruntime-node's libonnxruntime",
        embedded: require(`onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/libonnxruntime.so.1`),
        soname: 'libonnxruntime.so.1',
        symbol: 'OrtGetApiBase',
      },
      {
        what: "sharp's libvips",
        embedded: require(`@img/sharp-libvips-${process.platform}-${process.arch}/binary`),
        soname: basename(vipsPackage.exports['./binary']!),
        symbol: 'vips_version',
      },
    ]);
    // after libvips: loading the binding links it
    provideSharpBinding(require(`@img/sharp-${process.platform}-${process.arch}/sharp.node`));
    prepared = true;
  } else {
    throw new OnnxMobilenetError(
      'E_RUNTIME',
      `onnx-mobilenet's native libraries can be embedded in a bun build --compile executable for Linux (x64, arm64), not ${process.platform}-${process.arch}: ` +
        'run the app with bun run beside its node_modules instead',
    );
  }
}
