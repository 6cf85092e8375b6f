// Unpremultiplied pixels through WebGL. A 2D canvas stores premultiplied colours, so whatever it
// draws loses the colour of transparent pixels; a WebGL texture upload with
// UNPACK_PREMULTIPLY_ALPHA_WEBGL false (and no colour-space conversion) keeps the samples as the
// image stores them, and a framebuffer read returns them. Measured in Chromium: an RGBA PNG pixel
// (200, 100, 50) with alpha 0 reads back as (0, 0, 0) through a 2D canvas, (200, 100, 50) here.
// The WebCodecs paths (ImageDecoder with premultiplyAlpha 'none', VideoFrame.copyTo) lost it too.

/** One context per thread, made on first use and again after a context loss; null once WebGL is known missing. */
let context: WebGLRenderingContext | null | undefined;

function webgl(): WebGLRenderingContext | null {
  if (context === null || (context && !context.isContextLost())) return context;
  try {
    const attributes: WebGLContextAttributes = { alpha: true, antialias: false, depth: false, stencil: false, premultipliedAlpha: false };
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : globalThis.document?.createElement('canvas');
    context = (canvas?.getContext('webgl', attributes) as WebGLRenderingContext | null | undefined) ?? null;
  } catch {
    context = null;
  }
  return context;
}

/**
 * The RGBA samples of `source` as stored (not premultiplied, no colour-space conversion), read
 * synchronously through WebGL; undefined where WebGL is missing, the image is larger than its
 * largest texture, or anything in it fails.
 */
export function straightAlphaPixels(source: TexImageSource | CanvasImageSource, width: number, height: number): Uint8Array | undefined {
  const gl = webgl();
  if (!gl) return undefined;
  const max = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  if (width > max || height > max) return undefined;
  while (gl.getError() !== gl.NO_ERROR && !gl.isContextLost()) {} // errors of an earlier read are not this one's
  const texture = gl.createTexture();
  const framebuffer = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source as TexImageSource);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return undefined;
    const data = new Uint8Array(width * height * 4);
    // the texture's first row is the image's top row, and readPixels returns row 0 first
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, data);
    return gl.getError() === gl.NO_ERROR ? data : undefined;
  } catch {
    return undefined;
  } finally {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.deleteFramebuffer(framebuffer);
    gl.deleteTexture(texture);
  }
}
