// Classifies hostile image, model and labels URLs in the page; the test reads back what each ended in.
import { createClassifier, isOnnxMobilenetError } from 'onnx-mobilenet';

type Outcome = { code: string; message: string; ms: number } | { result: string; ms: number };

async function outcome(task: () => Promise<string>): Promise<Outcome> {
  const start = performance.now();
  try {
    const result = await task();
    return { result, ms: performance.now() - start };
  } catch (err) {
    const code = isOnnxMobilenetError(err) ? err.code : `not typed: ${(err as Error)?.name}`;
    return { code, message: (err as Error)?.message, ms: performance.now() - start };
  }
}

interface HostileRequest {
  model: string;
  labels: string;
  images: Record<string, string>;
  models: Record<string, string>;
  labelUrls: Record<string, string>;
  limits: { maxEncodedBytes: number; maxModelBytes: number; downloadTimeoutMs: number; maxImageDownloadMs: number };
  /**
   * Outcomes (`'image good'`, ...) whose case is not about timeouts (URLs that must be read, and
   * those that must end at a size limit): fetched under `relaxedLimits` in place of the tight timeouts.
   */
  relaxed: string[];
  relaxedLimits: { downloadTimeoutMs: number; maxImageDownloadMs: number };
}

async function run(req: HostileRequest): Promise<Record<string, Outcome>> {
  const out: Record<string, Outcome> = {};
  // The good model and labels are fetched here, outside the 300 ms silence limit meant for the
  // hostile URLs: on a busy machine the 14 MB wasm compiling beside a 3.6 MB model download could
  // leave that download silent for longer.
  const model = new Uint8Array(await (await fetch(req.model)).arrayBuffer());
  const labels = (await (await fetch(req.labels)).text()).split('\n').filter((line) => line.trim() !== '');
  // Good URLs, and endless ones that must stop at a size limit, are read under relaxed timeouts:
  // on a busy machine a download can go silent for longer than the 300 ms that the cases about
  // timeouts are held to (a gzip bomb's labels ended in E_DOWNLOAD instead of E_LIMIT).
  const relaxed = { ...req.limits, ...req.relaxedLimits };
  const limitsOf = (key: string) => (req.relaxed.includes(key) ? relaxed : req.limits);
  const classifier = await createClassifier({ allowPrivateNetwork: true, model, labels, limits: req.limits, cacheName: `hostile-${Math.random()}` });
  const relaxedClassifier = await createClassifier({ allowPrivateNetwork: true, model, labels, limits: relaxed, cacheName: `hostile-${Math.random()}` });
  for (const [name, url] of Object.entries(req.images)) {
    const c = req.relaxed.includes(`image ${name}`) ? relaxedClassifier : classifier;
    out[`image ${name}`] = await outcome(async () => (await c.classify(url, { topK: 1 }))[0]!.id);
  }
  await classifier.dispose();
  await relaxedClassifier.dispose();
  for (const [name, url] of Object.entries(req.models)) {
    out[`model ${name}`] = await outcome(async () => {
      const c = await createClassifier({
        allowPrivateNetwork: true,
        model: url,
        labels,
        limits: limitsOf(`model ${name}`),
        cacheName: `hostile-${Math.random()}`,
      });
      await c.dispose();
      return 'loaded';
    });
  }
  for (const [name, url] of Object.entries(req.labelUrls)) {
    out[`labels ${name}`] = await outcome(async () => {
      const c = await createClassifier({
        allowPrivateNetwork: true,
        model,
        labels: url,
        limits: limitsOf(`labels ${name}`),
        cacheName: `hostile-${Math.random()}`,
      });
      await c.dispose();
      return `${c.labels.length} labels`;
    });
  }
  return out;
}

/** Loads labels into Cache Storage, alters the cached copy (keeping its headers), loads again: the first label read back. */
async function tamperedCache(model: string, labels: string): Promise<string> {
  const cacheName = `tamper-${Math.random()}`;
  await (await createClassifier({ allowPrivateNetwork: true, model, labels, cacheName })).dispose();
  const cache = await caches.open(cacheName);
  // the adapter writes Cache Storage while loading goes on: wait for the entry
  let hit = await cache.match(labels);
  while (!hit) {
    await new Promise((r) => setTimeout(r, 20));
    hit = await cache.match(labels);
  }
  await cache.put(labels, new Response((await hit.text()).replace('tench', 'pwned'), { headers: hit.headers }));
  const again = await createClassifier({ allowPrivateNetwork: true, model, labels, cacheName });
  await again.dispose();
  return again.labels[0]!.label;
}

/**
 * The browser's network rule: without allowPrivateNetwork, image URLs of the page's own origin are
 * read and those of another 127.0.0.1 port, or named localhost, refused; allowHost sees where the
 * browser's redirects ended.
 */
async function network(req: { model: string; labels: string; sameOrigin: string; otherOrigin: string; localhost: string; redirect: string }) {
  const model = new Uint8Array(await (await fetch(req.model)).arrayBuffer());
  const labels = (await (await fetch(req.labels)).text()).split('\n').filter((line) => line.trim() !== '');
  const strict = await createClassifier({ model, labels, cacheName: `net-${Math.random()}` });
  const open = await createClassifier({ model, labels, cacheName: `net-${Math.random()}`, allowPrivateNetwork: true });
  const hooked = await createClassifier({
    model,
    labels,
    cacheName: `net-${Math.random()}`,
    allowPrivateNetwork: true,
    allowHost: (url) => !url.pathname.endsWith('.jpg'), // the redirect's target is refused
  });
  const top = (c: typeof strict, url: string) => outcome(async () => (await c.classify(url, { topK: 1 }))[0]!.id);
  const out = {
    sameOrigin: await top(strict, req.sameOrigin),
    otherOrigin: await top(strict, req.otherOrigin),
    localhost: await top(strict, req.localhost),
    labelsOtherOrigin: await outcome(
      async () => `${(await createClassifier({ model, labels: req.otherOrigin, cacheName: `net-${Math.random()}` })).labels.length}`,
    ),
    openOtherOrigin: await top(open, req.otherOrigin),
    hookedRedirect: await top(hooked, req.redirect),
  };
  for (const c of [strict, open, hooked]) await c.dispose();
  return out;
}

(window as unknown as { hostile: unknown }).hostile = { run, tamperedCache, network };
document.getElementById('status')!.textContent = 'ready';
