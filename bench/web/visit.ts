// One visit's cold start as a user's page has it: nothing imported before createClassifier, then
// the first result, and the browser's own account (Resource Timing) of each file it fetched: from
// the network or its HTTP cache (transferSize 0), when it started and how long it took. A model
// served from Cache Storage is no fetch and shows no entry. Called by ../web-cold-start-bench.mjs.
import { createClassifier } from '@onnx-mobilenet/web';

export interface VisitRequest {
  model: string;
  labels: string;
  image: string;
}

/** A fetched file: ms from createClassifier, and whether it came over the network. */
interface Fetched {
  file: string;
  startMs: number;
  durationMs: number;
  bytesOverNetwork: number;
  bodyBytes: number;
}

export async function visit(req: VisitRequest) {
  const image = await (await fetch(req.image)).blob();
  const t0 = performance.now();
  const classifier = await createClassifier({ model: req.model, labels: req.labels });
  const t1 = performance.now();
  const [best] = await classifier.classify(image, { topK: 1 });
  const t2 = performance.now();
  const fetched: Fetched[] = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((e) => e.startTime >= t0 - 1)
    .map((e) => ({
      file: new URL(e.name).pathname.split('/').pop()!,
      startMs: e.startTime - t0,
      durationMs: e.duration,
      bytesOverNetwork: e.transferSize,
      bodyBytes: e.encodedBodySize,
    }));
  const result = { createMs: t1 - t0, firstResultMs: t2 - t0, top1: best!.id, dequantized: classifier.model.dequantized, fetched };
  await classifier.dispose();
  return result;
}
