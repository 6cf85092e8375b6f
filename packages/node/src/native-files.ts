import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where onnxruntime-node 1.30 keeps its binaries, one folder per `<platform>/<arch>`: the addon
 * `onnxruntime_binding.node` and the shared library it links (`libonnxruntime.so.1`,
 * `libonnxruntime.1.dylib`, `onnxruntime.dll` with DirectML's DLLs).
 */
export const ORT_BINARIES_FOLDER = 'onnxruntime-node/bin/napi-v6';

/** The shared library onnxruntime-node's Linux addon links (`NEEDED` in its ELF header). */
export const ORT_LINUX_LIBRARY = 'libonnxruntime.so.1';

/**
 * Names this platform's onnxruntime-node binaries folder to the file tracers that decide what a
 * deployment copies: Turbopack's for Next.js `output: 'standalone'` and Vercel, @vercel/nft for
 * webpack builds. onnxruntime-node `require`s its addon, which the tracers follow, but the addon's
 * shared library is opened by the OS loader, which they cannot see: without this, a standalone
 * Next.js server fails its first request with `libonnxruntime.so.1: cannot open shared object file`.
 *
 * The tracers read the `existsSync` calls below statically: `__dirname` is this file's folder
 * (`dist/`), `process.platform` and `process.arch` the build machine's for Turbopack, so its trace
 * holds the one library this platform loads (45 MB on linux-x64), not the other systems' (288 MB in
 * all). @vercel/nft (webpack builds, plain Vercel functions) cannot evaluate them and matches every
 * `<platform>/<arch>`: hence a file name, not the folder, which would make it copy every system's
 * libraries (327 MB, over Vercel's 250 MB). The name is Linux's, where servers run; on macOS and
 * Windows the call names no file and traces nothing (`outputFileTracingIncludes` there). The two
 * paths are where a package manager puts onnxruntime-node beside this package: next to its scope
 * folder (npm, yarn and bun hoisting; pnpm's and bun's isolated stores) or nested under it (npm,
 * when the app holds another onnxruntime-node version). At run time the result is not used: under
 * ESM there is no `__dirname` and the function returns at once.
 */
export function traceOrtBinaries(): void {
  if (typeof __dirname !== 'string') return;
  existsSync(join(__dirname, '../../..', ORT_BINARIES_FOLDER, process.platform, process.arch, ORT_LINUX_LIBRARY));
  existsSync(join(__dirname, '../node_modules', ORT_BINARIES_FOLDER, process.platform, process.arch, ORT_LINUX_LIBRARY));
}
