import { classifyUpload } from '../../classify-upload';
import { getClassifier } from '../../server-classifier';

// onnxruntime-node and sharp are native: this handler runs on the Node.js runtime, not the edge.
export const runtime = 'nodejs';

export async function POST(request: Request): Promise<Response> {
  return classifyUpload(request, getClassifier);
}
