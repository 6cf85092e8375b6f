import { isOnnxMobilenetError, type WebClassifier } from 'onnx-mobilenet';

/**
 * What both route handlers do with a POST: the multipart field `image` classified, the top 5 as
 * JSON; a bad upload or image is a 4xx with the library's error code.
 */
/** Largest upload read (the multipart body, before it is parsed): 10 MiB. */
const MAX_UPLOAD_BYTES = 10 * 2 ** 20;

export async function classifyUpload(request: Request, classifier: () => Promise<WebClassifier>): Promise<Response> {
  // refused from its declared size before any of it is read (a body without one is cut off by the platform's own limit)
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (!(declared <= MAX_UPLOAD_BYTES))
    return Response.json({ error: { code: 'E_LIMIT', message: `send at most ${MAX_UPLOAD_BYTES} bytes, with a Content-Length` } }, { status: 413 });
  const form = await request.formData().catch(() => null);
  const file = form?.get('image');
  if (!(file instanceof Blob)) return Response.json({ error: { code: 'E_INPUT', message: 'send the image as multipart field "image"' } }, { status: 400 });
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const predictions = await (await classifier()).classify(bytes, { topK: 5 });
    return Response.json({ predictions });
  } catch (err) {
    if (isOnnxMobilenetError(err)) {
      const status = err.code === 'E_LIMIT' ? 413 : err.code === 'E_IMAGE_DECODE' || err.code === 'E_INPUT' ? 422 : 500;
      return Response.json({ error: { code: err.code, message: err.message } }, { status });
    }
    throw err;
  }
}
