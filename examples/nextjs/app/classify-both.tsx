'use client';

import { useEffect, useRef, useState } from 'react';
import type { Prediction, WebClassifier } from 'onnx-mobilenet';

type Result = { predictions: Prediction[] } | { error: string } | null;

function Predictions({ title, result, testId }: { title: string; result: Result; testId: string }) {
  return (
    <section data-testid={testId} data-top1={result && 'predictions' in result ? result.predictions[0]?.id : ''} style={{ flex: 1 }}>
      <h2>{title}</h2>
      {result === null ? (
        <p>…</p>
      ) : 'error' in result ? (
        <p role="alert">{result.error}</p>
      ) : (
        <ol>
          {result.predictions.map((p) => (
            <li key={p.index}>
              {p.label} <small>{(p.probability * 100).toFixed(1)}%</small>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function ClassifyBoth({ model, labels, allowPrivateNetwork }: { model: string; labels?: string; allowPrivateNetwork?: boolean }) {
  const classifier = useRef<Promise<WebClassifier> | null>(null);
  const [status, setStatus] = useState('Loading the model in your browser…');
  const [server, setServer] = useState<Result>(null);
  const [browser, setBrowser] = useState<Result>(null);

  useEffect(() => {
    // Loaded in an effect: the browser build of onnx-mobilenet (onnxruntime-web) runs client-side only.
    const loading = import('onnx-mobilenet').then(({ createClassifier }) =>
      createClassifier({
        model,
        labels,
        allowPrivateNetwork,
        onProgress: ({ loaded, total }) => setStatus(`Downloading the model… ${loaded} / ${total ?? '?'} bytes`),
      }),
    );
    classifier.current = loading;
    loading.then(
      () => setStatus('Ready'),
      (err: Error) => setStatus(`Could not load the model: ${err.message}`),
    );
    return () =>
      void loading.then(
        (c) => c.dispose(),
        () => undefined,
      );
  }, [model, labels, allowPrivateNetwork]);

  async function onFile(file: File) {
    setServer(null);
    setBrowser(null);
    const form = new FormData();
    form.append('image', file);
    const onServer = fetch('/api/classify', { method: 'POST', body: form })
      .then((r) => r.json())
      .then((body) => setServer(body.error ? { error: `${body.error.code}: ${body.error.message}` } : { predictions: body.predictions }));
    const inBrowser = classifier
      .current!.then((c) => c.classify(file, { topK: 5 }))
      .then(
        (predictions) => setBrowser({ predictions }),
        (err: Error) => setBrowser({ error: err.message }),
      );
    await Promise.all([onServer, inBrowser]);
  }

  return (
    <>
      <p data-testid="status">{status}</p>
      <input type="file" accept="image/*" onChange={(e) => e.target.files?.[0] && void onFile(e.target.files[0])} />
      <div style={{ display: 'flex', gap: '2rem' }}>
        <Predictions title="Server (route handler, onnxruntime-node)" result={server} testId="server" />
        <Predictions title="Browser (client component, onnxruntime-web)" result={browser} testId="browser" />
      </div>
    </>
  );
}
