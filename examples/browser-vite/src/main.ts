import { createClassifier, createFewShotClassifier, type FewShotClassifier, type Prediction, type WebClassifier } from 'onnx-mobilenet';

// ?model=…&labels=… pick another model (a registry name or URL); the default is the zoo's int8 file.
const params = new URLSearchParams(location.search);
const model = params.get('model') ?? 'mobilenetv2-12-int8';
const labels = params.get('labels') ?? undefined;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');

function showProgress(url: string, loaded: number, total: number | undefined): void {
  $('progress').hidden = false;
  // the largest download seen, for the example's test
  document.body.dataset.downloaded = String(Math.max(loaded, Number(document.body.dataset.downloaded ?? 0)));
  const pct = total ? Math.round((loaded / total) * 100) : 0;
  $('progress-bar').style.width = `${pct}%`;
  $('progress-text').textContent = `Downloading ${url.split('/').pop()}… ${(loaded / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB`;
}

function render(predictions: Prediction[]): void {
  const list = $<HTMLOListElement>('predictions');
  list.replaceChildren(
    ...predictions.map((p) => {
      const li = document.createElement('li');
      const pct = (p.probability * 100).toFixed(1);
      li.innerHTML = `<div class="name"><span></span><span>${pct}%</span></div><div class="p-track"><div class="p-bar" style="width:${pct}%"></div></div>`;
      li.querySelector('.name span')!.textContent = p.label;
      return li;
    }),
  );
  $('result').hidden = false;
}

let fewShot: FewShotClassifier<File> | undefined;
const ready: Promise<WebClassifier> = createClassifier({ model, labels, onProgress: ({ url, loaded, total }) => showProgress(url, loaded, total) });
ready.then(
  (c) => {
    $('progress').hidden = true;
    status.textContent = `Ready: ${c.model.source} on ${c.model.backend}.`;
  },
  (err: Error) => (status.textContent = `Could not load the model: ${err.message}`),
);

async function classify(file: File): Promise<void> {
  const preview = $<HTMLImageElement>('preview');
  URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  status.textContent = 'Classifying…';
  try {
    const classifier = await ready;
    const t0 = performance.now();
    // one session run gives both the ImageNet top-5 and the embedding for the user's classes
    const { predictions, embedding } = await classifier.infer(file, { topK: 5 });
    render(predictions);
    if (fewShot && fewShot.labels().size > 0) {
      const mine = fewShot.predictEmbedding(embedding);
      $('custom-result').textContent = `Your classes: ${mine.label} (${(mine.confidence * 100).toFixed(0)}%)`;
    }
    status.textContent = `${file.name}: ${(performance.now() - t0).toFixed(0)} ms`;
    document.body.dataset.state = 'classified';
  } catch (err) {
    status.textContent = `Could not classify ${file.name}: ${(err as Error).message}`;
    document.body.dataset.state = 'error';
  }
}

const input = $<HTMLInputElement>('file');
input.addEventListener('change', () => input.files?.[0] && classify(input.files[0]));
const drop = $<HTMLLabelElement>('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void classify(file);
});

// Few-shot: the user's own classes from example photos (embeddings + nearest neighbours).
const teachFiles = $<HTMLInputElement>('teach-files');
teachFiles.addEventListener('change', async () => {
  const label = $<HTMLInputElement>('teach-label').value.trim();
  if (!label || !teachFiles.files?.length) {
    status.textContent = 'Name the class first, then add its photos.';
    return;
  }
  const classifier = await ready;
  fewShot ??= createFewShotClassifier(classifier);
  for (const file of Array.from(teachFiles.files)) await fewShot.add(file, label);
  teachFiles.value = '';
  $('taught').replaceChildren(
    ...[...fewShot.labels()].map(([name, count]) => {
      const li = document.createElement('li');
      li.textContent = `${name}: ${count} example${count === 1 ? '' : 's'}`;
      return li;
    }),
  );
  document.body.dataset.taught = String(fewShot.labels().size);
});
