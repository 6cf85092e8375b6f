import { browserAllowPrivateNetwork, browserLabels, browserModel } from './classifier-config';
import { ClassifyBoth } from './classify-both';

// Read the model locations per request, so one build serves any deployment's settings.
export const dynamic = 'force-dynamic';

export default function Home() {
  return (
    <main>
      <h1>onnx-mobilenet on Next.js</h1>
      <p>
        Pick a photo: the route handler classifies it on the server, the client component in your browser. Both import
        <code> createClassifier</code> from <code>onnx-mobilenet</code>.
      </p>
      <ClassifyBoth model={browserModel} labels={browserLabels} allowPrivateNetwork={browserAllowPrivateNetwork} />
    </main>
  );
}
