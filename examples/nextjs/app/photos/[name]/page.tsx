import { basename, join } from 'node:path';
import { isOnnxMobilenetError } from 'onnx-mobilenet';
import { getClassifier, photosDir } from '../../server-classifier';

// A server component: /photos/<name> classifies public/<name> on the server while rendering, and
// the page carries only the result (no model, no onnxruntime in the browser).
export const dynamic = 'force-dynamic';

export default async function Photo({ params }: { params: Promise<{ name: string }> }) {
  // basename: a name, never a path out of public/
  const name = basename((await params).name);
  try {
    const predictions = await (await getClassifier()).classify(join(photosDir, name), { topK: 3 });
    return (
      <main>
        <h1>{name}</h1>
        <ol data-testid="photo" data-top1={predictions[0]?.id}>
          {predictions.map((p) => (
            <li key={p.index}>
              {p.label} <small>{(p.probability * 100).toFixed(1)}%</small>
            </li>
          ))}
        </ol>
      </main>
    );
  } catch (err) {
    if (isOnnxMobilenetError(err)) return <p role="alert">{`${err.code}: ${err.message}`}</p>;
    throw err;
  }
}
