// A jSquash codec (an Emscripten build of MozJPEG or libwebp) run from a precompiled
// WebAssembly.Module: instantiated, never compiled from bytes, so Workers and Vercel Edge accept it.
//
// Three things the codecs' glue does are kept in check here. (1) It builds its result with
// `new ImageData(...)` and, in Node and Workers, installs a global ImageData (and `self.location`)
// when there is none: a small stand-in is put there only while the codec runs, and what the glue
// added is taken away again, so no global changes. (2) libjpeg reports through stderr, and exits
// on a fatal error: the messages are collected for the error, and an instance that failed is
// dropped (its stack and heap are left as the failure left them) for a fresh one. (3) Wasm memory
// never shrinks: an instance that grew large for a big image is dropped, so its memory can be
// collected (Workers have 128 MB in all).

import factoryOfJpeg from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import factoryOfWebp from '@jsquash/webp/codec/dec/webp_dec.js';
import type { WasmCodecName } from './codec-files.js';

/** What the codecs return: straight (not premultiplied) RGBA, 8 bits a sample. */
export interface CodecPixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

interface CodecInstance {
  decode(data: Uint8Array, preserveOrientation?: boolean): CodecPixels | null;
  HEAPU8?: Uint8Array;
}

type CodecFactory = (options: Record<string, unknown>) => Promise<CodecInstance>;

const FACTORIES: Record<WasmCodecName, CodecFactory> = {
  jpeg: factoryOfJpeg as unknown as CodecFactory,
  webp: factoryOfWebp as unknown as CodecFactory,
};

/** Wasm memory an instance may keep between images; one that grew past it is dropped after its image. */
export const RETAINED_CODEC_MEMORY = 64 * 2 ** 20;

/** The codec's failure: what it threw, and what it wrote to stderr meanwhile (libjpeg's messages). */
export class CodecFailure extends Error {
  constructor(
    readonly messages: readonly string[],
    readonly thrown: unknown,
  ) {
    super(messages.join('; ') || String((thrown as { message?: unknown } | undefined)?.message ?? thrown));
    this.name = 'CodecFailure';
  }
}

/** ImageData as the codecs' glue constructs it, where the runtime has none (Node, workerd, edge-runtime). */
class PixelsStandIn {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

/** Runs `fn` (synchronous codec work) with an ImageData in place, leaving the globals as they were. */
function withCodecGlobals<T>(fn: () => T): T {
  const g = globalThis as { ImageData?: unknown; self?: object };
  const standIn = g.ImageData === undefined;
  const self = g.self;
  const hadLocation = self !== undefined && Object.hasOwn(self, 'location');
  if (standIn) g.ImageData = PixelsStandIn;
  try {
    return fn();
  } finally {
    if (standIn) delete g.ImageData;
    if (self !== undefined && !hadLocation && Object.hasOwn(self, 'location')) delete (self as { location?: unknown }).location;
  }
}

/**
 * One wasm codec of a decoder: a live instance of its module, made on first use and again after a
 * failure or a large image. Decodes run synchronously inside the instance, one at a time.
 */
export class EmscriptenCodec {
  private instance: Promise<CodecInstance> | undefined;
  /** stderr of the decode in progress (decodes are synchronous: one at a time). */
  private messages: string[] = [];

  constructor(
    private readonly codec: WasmCodecName,
    private readonly module: WebAssembly.Module,
  ) {}

  /** Decodes encoded bytes to RGBA; throws {@link CodecFailure}. `warnings` are libjpeg's non-fatal messages. */
  async decode(bytes: Uint8Array): Promise<{ pixels: CodecPixels; warnings: string[] }> {
    this.instance ??= this.instantiate();
    const instance = await this.instance.catch((err: unknown) => {
      this.instance = undefined;
      throw new CodecFailure([], err);
    });
    const messages: string[] = [];
    this.messages = messages;
    let pixels: CodecPixels | null;
    try {
      // MozJPEG's second argument would apply EXIF orientation: core's orientImage does, for every format
      pixels = withCodecGlobals(() => (this.codec === 'jpeg' ? instance.decode(bytes, false) : instance.decode(bytes)));
    } catch (err) {
      this.instance = undefined;
      throw new CodecFailure(messages, err);
    }
    if ((instance.HEAPU8?.byteLength ?? 0) > RETAINED_CODEC_MEMORY) this.instance = undefined;
    if (!pixels) throw new CodecFailure(messages, new Error('the decoder returned no image'));
    return { pixels, warnings: messages };
  }

  private instantiate(): Promise<CodecInstance> {
    const module = this.module;
    const capture = (line: string) => this.messages.push(line);
    return withCodecGlobals(() =>
      FACTORIES[this.codec]({
        noInitialRun: true,
        // the precompiled module, instantiated synchronously: nothing compiled, nothing fetched
        instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) {
          const instance = new WebAssembly.Instance(module, imports);
          done(instance);
          return instance.exports;
        },
        // nothing is fetched; without it the glue resolves its file name against import.meta.url,
        // which a script bundle (Vercel's EdgeVM) leaves undefined: "TypeError: Invalid URL"
        locateFile: (file: string) => file,
        print: capture,
        printErr: capture,
      }),
    );
  }
}
