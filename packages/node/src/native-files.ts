import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where onnxruntime-node 1.30 keeps its binaries, one folder per `<platform>/<arch>`: the addon
 * `onnxruntime_binding.node` and the shared library it links (`libonnxruntime.so.1`,
 * `libonnxruntime.1.dylib`, `onnxruntime.dll` with DirectML's DLLs).
 */
export const ORT_BINARIES_FOLDER = 'onnxruntime-node/bin/napi-v6';

/**
 * Names this platform's onnxruntime-node binaries folder to the file tracers that decide what a
 * deployment copies: Turbopack's for Next.js `output: 'standalone'` and Vercel, @vercel/nft for
 * webpack builds. onnxruntime-node `require`s its addon, which the tracers follow, but the addon's
 * shared library is opened by the OS loader, which they cannot see: without this, a standalone
 * Next.js server fails its first request with `libonnxruntime.so.1: cannot open shared object file`.
 *
 * The tracers read the `existsSync` calls below statically: `__dirname` is this file's folder
 * (`dist/`), `process.platform` and `process.arch` the build machine's, so the trace holds the one
 * folder this platform loads (45 MB on linux-x64), not the other systems' (288 MB in all). The two
 * paths are where a package manager puts onnxruntime-node beside this package: next to its scope
 * folder (npm, yarn and bun hoisting; pnpm's and bun's isolated stores) or nested under it (npm,
 * when the app holds another onnxruntime-node version). At run time the result is not used: under
 * ESM there is no `__dirname` and the function returns at once.
 */
export function traceOrtBinaries(): void {
  if (typeof __dirname !== 'string') return;
  existsSync(join(__dirname, '../../..', ORT_BINARIES_FOLDER, process.platform, process.arch));
  existsSync(join(__dirname, '../node_modules', ORT_BINARIES_FOLDER, process.platform, process.arch));
}
