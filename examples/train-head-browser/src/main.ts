import type { TrainedHead } from 'onnx-mobilenet';
import type { Reply, Request } from './protocol.js';
import { canPickSaveFile, saveFile } from './save-file.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const progress = $<HTMLProgressElement>('progress');
const trainButton = $<HTMLButtonElement>('train');
const download = $<HTMLAnchorElement>('download');

/** The photos of each class, by class name, in the order the classes were given. */
const classes = new Map<string, File[]>();

// MobileNetV2 runs in the worker; this thread only reads files and draws.
// ?model=…&labels=… pick other model files (the tests serve local ones).
const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: location.search });
const send = (request: Request) => worker.postMessage(request);

function setState(state: 'ready' | 'training' | 'trained' | 'error', message: string): void {
  document.body.dataset.state = state;
  status.textContent = message;
  if (state === 'error') document.body.dataset.error = message;
}

function showClasses(): void {
  $('classes').replaceChildren(
    ...[...classes].map(([name, files]) => {
      const li = document.createElement('li');
      li.textContent = `${name}: ${files.length} photo${files.length === 1 ? '' : 's'}`;
      return li;
    }),
  );
  trainButton.disabled = classes.size < 2 || document.body.dataset.state === 'training';
}

function addPhotos(name: string, files: Iterable<File>): void {
  const images = [...files].filter((f) => f.type.startsWith('image/'));
  if (name && images.length) classes.set(name, [...(classes.get(name) ?? []), ...images]);
}

// A folder of folders: each photo's class is the top subfolder it is under (photos/ripe/2024/a.jpg
// is "ripe"), as the CLI reads one; hidden files and folders are skipped. Picking a folder again
// replaces the photos, so none is counted twice (it could land in training and validation both).
$<HTMLInputElement>('folder').onchange = (e) => {
  const byFolder = new Map<string, File[]>();
  for (const file of (e.target as HTMLInputElement).files ?? []) {
    const [, name, ...rest] = file.webkitRelativePath.split('/');
    if (!name || rest.length === 0 || [name, ...rest].some((part) => part.startsWith('.'))) continue;
    byFolder.set(name, [...(byFolder.get(name) ?? []), file]);
  }
  classes.clear();
  for (const [name, files] of byFolder) addPhotos(name, files);
  showClasses();
};
$('add-class').onclick = () => {
  const files = $<HTMLInputElement>('class-files');
  addPhotos($<HTMLInputElement>('class-name').value.trim(), files.files ?? []);
  files.value = '';
  showClasses();
};

/** Validation accuracy and the confusion matrix (rows: the true class; columns: the predicted one). */
function showReport(head: TrainedHead): void {
  const { report, labels } = head;
  const summary = document.createElement('p');
  summary.id = 'accuracy';
  summary.textContent =
    report.validationAccuracy === null
      ? 'No photos were held out to validate (add more photos per class).'
      : `Validation accuracy: ${(report.validationAccuracy * 100).toFixed(0)}% of ${report.photos.validation} held-out photos ` +
        `(trained on ${report.photos.training} photos, ${report.trainingViews} views, ${report.epochs} epochs).`;
  const table = document.createElement('table');
  table.id = 'confusion';
  const row = (cells: (string | number)[], header: boolean, diagonal = -1) => {
    const tr = table.insertRow();
    cells.forEach((cell, i) => {
      const td = document.createElement(header || i === 0 ? 'th' : 'td');
      td.textContent = String(cell);
      if (i - 1 === diagonal) td.className = 'right';
      tr.append(td);
    });
  };
  row(['true \\ predicted', ...labels], true);
  for (const [i, counts] of report.confusion.entries()) row([labels[i]!, ...counts], false, i);
  $('report').replaceChildren(summary, table);
}

/** The trained model: offered as a download link, and to the save dialog where the browser has one. */
function offer(bytes: Uint8Array<ArrayBuffer>): void {
  const file = new Blob([bytes], { type: 'application/octet-stream' });
  if (download.href) URL.revokeObjectURL(download.href);
  download.href = URL.createObjectURL(file);
  download.textContent = `Download mine.onnx (${(file.size / 1e6).toFixed(1)} MB)`;
  $('save').hidden = !canPickSaveFile;
  $('save').onclick = () => saveFile(file, 'mine.onnx', download);
  $('result').hidden = false;
}

trainButton.onclick = () => {
  $('result').hidden = true;
  setState('training', 'Embedding the photos…');
  trainButton.disabled = true;
  send({ type: 'train', classes: [...classes], augment: $<HTMLInputElement>('augment').checked });
};

$<HTMLInputElement>('try').onchange = (e) => {
  const photo = (e.target as HTMLInputElement).files?.[0];
  if (photo) send({ type: 'try', photo });
};

worker.onmessage = ({ data }: MessageEvent<Reply>) => {
  switch (data.type) {
    case 'ready':
      setState('ready', 'Ready: add photos of two or more classes.');
      break;
    case 'embedded':
      progress.max = data.total;
      progress.value = data.done;
      status.textContent = `Embedding photo ${data.done} of ${data.total}…`;
      break;
    case 'epoch': {
      const p = data.progress;
      progress.max = p.epochs;
      progress.value = p.epoch;
      status.textContent = `Epoch ${p.epoch} of at most ${p.epochs}: loss ${p.loss.toFixed(3)}, accuracy ${(p.accuracy * 100).toFixed(0)}%`;
      break;
    }
    case 'trained': {
      progress.value = progress.max; // early stopping may end before the last epoch
      showReport(data.head);
      offer(data.file);
      const note = data.skipped.length ? ` Left out (not decodable): ${data.skipped.join(', ')}.` : '';
      const seconds = (ms: number) => (ms / 1000).toFixed(1);
      setState('trained', `Trained: ${seconds(data.embedMs)} s embedding the photos, ${seconds(data.head.report.milliseconds)} s fitting the head.${note}`);
      trainButton.disabled = false;
      break;
    }
    case 'predictions':
      $('predictions').replaceChildren(
        ...data.predictions.map((p) => {
          const li = document.createElement('li');
          li.textContent = `${p.label} ${(p.probability * 100).toFixed(0)}%`;
          return li;
        }),
      );
      document.body.dataset.label = data.predictions[0]?.label ?? '';
      break;
    case 'error':
      setState('error', data.message);
      trainButton.disabled = classes.size < 2;
      break;
  }
};
