// The wasm codecs the decoder runs, and the files they come in. Edge runtimes accept wasm only as a
// WebAssembly.Module imported statically by the entry (workerd's `import m from './x.wasm'`,
// Vercel's `'./x.wasm?module'`); the build copies these files into dist/ for those imports.

/**
 * Precompiled codec modules, one per wasm codec: the decoder instantiates them (never compiles
 * bytes). A codec left out makes its format fail with `E_IMAGE_DECODE` naming it, and keeps its
 * wasm out of the bundle: a Worker that only takes JPEGs may import only `jpeg`. PNG needs none
 * (decoded in JavaScript).
 *
 * @example
 * ```ts
 * import jpeg from './mozjpeg_dec.wasm'; // workerd: a WebAssembly.Module
 * import webp from './webp_dec.wasm';
 * const decoder = createEdgeDecoder({ jpeg, webp });
 * ```
 */
export interface CodecModules {
  /** `mozjpeg_dec.wasm` (@jsquash/jpeg: MozJPEG, the decoder sharp's prebuilt libvips uses). */
  jpeg?: WebAssembly.Module | undefined;
  /** `webp_dec.wasm` (@jsquash/webp: libwebp). */
  webp?: WebAssembly.Module | undefined;
}

/** The codecs that come as wasm. */
export type WasmCodecName = keyof CodecModules;

/**
 * The codec wasm files: `file` is its name in dist/ (beside the entries that import it), `source`
 * the path in the installed package it is copied from (resolvable with `require.resolve`).
 *
 * @example
 * ```ts
 * for (const { file, source } of Object.values(CODEC_WASM_FILES)) copyFileSync(require.resolve(source), `dist/${file}`);
 * ```
 */
export const CODEC_WASM_FILES: Readonly<Record<WasmCodecName, { file: string; source: string }>> = Object.freeze({
  jpeg: { file: 'mozjpeg_dec.wasm', source: '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm' },
  webp: { file: 'webp_dec.wasm', source: '@jsquash/webp/codec/dec/webp_dec.wasm' },
});
