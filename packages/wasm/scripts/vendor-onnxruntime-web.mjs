// Builds this package's copy of onnxruntime-web's wasm runtime: its single-file bundle
// (`ort.wasm.bundle.min.mjs`, the Emscripten loader embedded) with one patch, its references to
// its own files hidden from bundlers, and the .wasm that belongs to it.
//
// The patch: onnxruntime-web only takes its wasm as a URL or as bytes (`env.wasm.wasmBinary`),
// and compiles it at run time. Cloudflare Workers and Vercel Edge forbid compiling wasm from
// bytes and dynamic import(); they hand out wasm only as a `WebAssembly.Module` imported
// statically. Emscripten has the hook for that (`instantiateWasm`), but onnxruntime-web builds
// the Emscripten config itself and has no option for it (1.30, nor 1.31 dev). So this adds one
// flag, `env.wasm.wasmModule`: when set, it counts as a wasm override (the embedded loader is
// used without a script URL) and is instantiated through `instantiateWasm`.
//
// The anchors are exact strings of the pinned version's minified bundle: when onnxruntime-web
// changes, this fails the build instead of shipping an unpatched runtime.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// its package.json is not exported: find dist/ by a file that is
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
const { version } = JSON.parse(readFileSync(join(ortDist, '..', 'package.json'), 'utf8'));
const PINNED = '1.30.0';
if (version !== PINNED) throw new Error(`vendor-onnxruntime-web: the patch is written for onnxruntime-web ${PINNED}, found ${version}: re-check its anchors`);

export const PATCHES = [
  {
    why: 'a precompiled module is a wasm override, like wasmBinary',
    from: 'g=n.wasmBinary,[b,y]=await no(l,d,a>1,!!g||!!h)',
    to: 'g=n.wasmBinary,om$module=n.wasmModule,[b,y]=await no(l,d,a>1,!!g||!!h||!!om$module)',
  },
  {
    why: "Emscripten's instantiateWasm hook instantiates the module given",
    from: 'let v={numThreads:a};if(g)',
    to: 'let v={numThreads:a};if(om$module)v.instantiateWasm=(om$imports,om$done)=>(WebAssembly.instantiate(om$module,om$imports).then(om$instance=>om$done(om$instance,om$module),$),{});else if(g)',
  },
  // Bundlers read `new URL('<file>', import.meta.url)` as a file to emit beside the bundle. These
  // name onnxruntime-web's own files (its .mjs loader and the .wasm by URL), which this copy never
  // loads and which are not beside it: Next.js's edge build (Turbopack and webpack) fails with
  // "Module not found: Can't resolve 'ort.wasm.bundle.min.mjs'". String() hides the pattern from
  // them and keeps the value (import.meta.url is a string, or the URL was invalid anyway).
  ...[
    ':new URL("ort-wasm-simd-threaded.wasm",import.meta.url).href,r=await',
    'new r("ort.wasm.bundle.min.mjs",import.meta.url)',
    'new n("ort.wasm.bundle.min.mjs",import.meta.url)',
    'wasm:new URL("ort-wasm-simd-threaded.wasm",import.meta.url).href}',
  ].map((from) => ({
    why: `bundlers do not resolve ${from}`,
    from,
    to: from.replace('import.meta.url', 'String(import.meta.url)'),
  })),
];

/** `new URL('<file>', import.meta.url)` with any constructor name: a file reference to bundlers. */
export const FILE_URL_PATTERN = /new [\w$]+\("[^"]*",\s*import\.meta\.url\)/;

/** An assignment to `import.meta.url` (the codecs' glue gives it a value where it has none). */
const IMPORT_META_URL_ASSIGNMENT = /import\.meta\.url\s*=(?!=)\s*("[^"]*")/g;

/**
 * The codecs' Emscripten glue made bundler-proof, for the edge entries that bundle it: every file
 * reference's base in String(), which bundlers do not follow, with the glue's own fallback base
 * where `import.meta.url` is undefined (a script bundle, Vercel's EdgeVM); and no assignment to
 * `import.meta.url`, which webpack replaces with a string literal ("Assigning to rvalue", Next.js
 * `next build --webpack`).
 *
 * @param {string} source @returns {string}
 */
export function hideFileUrls(source) {
  return source
    .replace(new RegExp(FILE_URL_PATTERN.source, 'g'), (reference) =>
      reference.replace(/import\.meta\.url\)$/, 'String(import.meta.url || "https://localhost/"))'),
    )
    .replace(IMPORT_META_URL_ASSIGNMENT, 'void $1');
}

/** @param {string} source the bundle @returns {string} */
export function patchBundle(source) {
  let out = source;
  for (const { from, to, why } of PATCHES) {
    const count = out.split(from).length - 1;
    if (count !== 1) throw new Error(`vendor-onnxruntime-web: anchor for "${why}" found ${count} times (expected 1)`);
    out = out.replace(from, () => to); // a function: `$` in the patch is code, not a replacement pattern
  }
  const reference = FILE_URL_PATTERN.exec(out);
  if (reference) throw new Error(`vendor-onnxruntime-web: a file reference bundlers would resolve is left: ${reference[0]}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const vendor = join(here, '..', 'src', 'vendor');
  mkdirSync(vendor, { recursive: true });
  const bundle = readFileSync(join(ortDist, 'ort.wasm.bundle.min.mjs'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  writeFileSync(
    join(vendor, 'onnxruntime-web.mjs'),
    `// onnxruntime-web ${version} ort.wasm.bundle.min.mjs (MIT, Microsoft), patched by scripts/vendor-onnxruntime-web.mjs\n${patchBundle(bundle)}`,
  );
  copyFileSync(join(ortDist, 'ort-wasm-simd-threaded.wasm'), join(vendor, 'ort-wasm-simd-threaded.wasm'));
}
