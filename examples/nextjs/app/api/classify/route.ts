import { isOnnxMobilenetError } from 'onnx-mobilenet';
import { getClassifier } from '../../server-classifier';

// onnxruntime-node and sharp are native: this handler runs on the Node.js runtime, not the edge.
export const runtime = 'nodejs';

export async function POST(request: Request): Promise<Response> {
  const form = await request.formData().catch(() => null);
  const file = form?.get('image');
  if (!(file instanceof Blob)) return Response.json({ error: { code: 'E_INPUT', message: 'send the image as multipart field "image"' } }, { status: 400 });
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const predictions = await (await getClassifier()).classify(bytes, { topK: 5 });
    return Response.json({ predictions });
  } catch (err) {
    if (isOnnxMobilenetError(err)) {
      const status = err.code === 'E_IMAGE_DECODE' || err.code === 'E_INPUT' ? 422 : 500;
      return Response.json({ error: { code: err.code, message: err.message } }, { status });
    }
    throw err;
  }
}
