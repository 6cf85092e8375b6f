// The edge bench's console tables and the Markdown of the Deploy guide's Edge speed section.

const KINDS = ['jpeg', 'raw', 'tensor'];
const f1 = (x) => (x === undefined ? 'n/a' : x.toFixed(1));
const ratio = (a, b) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`);

/** Rows of one model's table: per runtime, ms/photo per input kind, the decode share and top-1. */
function rows(out, photos) {
  return Object.values(out).map((o) => {
    const ms = o.msPerPhoto;
    const cell = (k) => (o.workerMsPerPhoto?.[k] === undefined ? f1(ms[k]) : `${f1(ms[k])} (${f1(o.workerMsPerPhoto[k])})`);
    const decode = ms.jpeg === undefined ? undefined : ms.jpeg - ms.raw;
    const top1 = KINDS.filter((k) => o.top1Correct[k] !== undefined)
      .map((k) => `${o.top1Correct[k]}/${photos} ${k}`)
      .join(', ');
    return [`${o.label}${o.dequantized ? ', dequantized' : ''}`, ...KINDS.map(cell), f1(decode), top1];
  });
}

const HEADER = ['runtime', 'JPEG, end to end', 'raw pixels (no decode)', 'tensor (inference + top-1)', 'JPEG - raw', 'top-1 correct'];

/** The ratios that matter: wasm against native, workerd and Chromium against Node's wasm. */
function ratios(out) {
  const m = (key, kind) => out[key]?.msPerPhoto[kind];
  const pair = (name, a, b) => [name, ...KINDS.map((k) => ratio(m(a, k), m(b, k)))];
  return [
    pair('Node wasm / Node native', 'wasm', 'native'),
    pair('Node wasm / Node native, 1 thread', 'wasm', 'native1'),
    pair('Node 22 wasm / Node wasm', 'wasm22', 'wasm'),
    pair('workerd / Node wasm', 'workerd', 'wasm'),
    pair('workerd / Node 22 wasm', 'workerd', 'wasm22'),
    pair('Chromium / Node wasm', 'chromium', 'wasm'),
    pair('Chromium / Node native', 'chromium', 'native'),
  ].filter((r) => r.slice(1).some((c) => c !== 'n/a'));
}

function grid(columns, lines) {
  const widths = columns.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

const markdownTable = (columns, lines) =>
  [
    `| ${columns.join(' | ')} |`,
    `| --- | ${columns
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
    ...lines.map((l) => `| ${l.join(' | ')} |`),
  ].join('\n');

/** Prints one model's table and ratios. */
export function printEdge(model, out, photos) {
  console.log(
    `\n${model}: ms/photo, one photo at a time (each photo's fastest round, mean over the ${photos} photos; workerd: round trip, in the Worker in brackets)`,
  );
  console.log(grid(HEADER, rows(out, photos)));
  console.log(`\n${model}: ratios of ms/photo`);
  console.log(grid(['', 'JPEG', 'raw pixels', 'tensor'], ratios(out)));
}

/** The `## Edge speed` section from one run's results. */
export function edgeMarkdown(results) {
  const { machine } = results;
  const lines = [
    '## Edge speed',
    '',
    `Measured by one \`pnpm bench:edge\` run (${results.date.slice(0, 10)}) on ${machine.cpu}, ${machine.cores} cores shared with other work ` +
      `(load average ${results.loadBefore[0].toFixed(1)} before, ${results.loadAfter[0].toFixed(1)} after), Node ${machine.node}` +
      `${machine.wrangler ? `, wrangler ${machine.wrangler}` : ''}. ` +
      `The same ${results.photos} photos one at a time on each runtime, in ${results.rounds} rounds interleaved over the runtimes; ms/photo is each photo's fastest round, averaged over the photos (other work on the machine only ever adds time). ` +
      'JPEG is end to end (decode, resize, normalise, inference, top-1); raw pixels are the same photos decoded beforehand by sharp (so the decoder is left out); ' +
      'tensor is the prepared 1x3x224x224 input (inference and top-1 only). workerd is the Worker bundled by `wrangler deploy --dry-run` and served by the workerd that wrangler ships, each photo POSTed from Node on the same machine: ' +
      'the round trip, and in brackets the time the Worker measured around `classify()` (`performance.now()`, whole milliseconds in workerd). ' +
      "JPEG - raw is the decoder's share on the wasm path and in Chromium; in Node native it is small or below zero, since sharp decodes a JPEG at a reduced scale while raw pixels are resized from full size. " +
      "With `precision: 'auto'` (the default) the wasm runtimes run the int8 file dequantized to float (onnxruntime-web's int8 kernels are slower); Node native runs its int8 kernels.",
    '',
  ];
  for (const [model, out] of Object.entries(results.models)) {
    lines.push(
      `### ${model}`,
      '',
      markdownTable(HEADER, rows(out, results.photos)),
      '',
      markdownTable(['ratio of ms/photo', 'JPEG', 'raw pixels', 'tensor'], ratios(out)),
      '',
    );
  }
  if (results.fresh.length) {
    lines.push(
      '### First request in a fresh Worker',
      '',
      `workerd started anew each time on the bundled Worker (median of ${results.fresh[0].samples.length}): from spawn to listening (workerd loads the Worker and compiles its wasm), ` +
        'the first request alone (the classifier is created in it: the model is read from a Data module, dequantized where `precision` is `auto`, and its session started), and the same photo four times more (the second and fifth request shown).',
      '',
      markdownTable(
        [
          'model',
          'spawn to listening',
          'first request',
          'of it: createClassifier',
          'of it: classify',
          'spawn to first response',
          'second request',
          'fifth request',
        ],
        results.fresh.map((f) => [
          `${f.model} (${f.input}, top-1 ${f.top1})`,
          ...['readyMs', 'firstRequestMs', 'firstCreateMs', 'firstClassifyMs', 'startToFirstResponseMs', 'secondRequestMs', 'fifthRequestMs'].map(
            (k) => `${f[k].toFixed(0)} ms`,
          ),
        ]),
      ),
      '',
    );
  }
  return lines.join('\n');
}
