// The Node benchmark's console table and the Markdown the README's Performance section is made of.

const f2 = (x) => x.toFixed(2);

/** Prints pipelines with their ratio to the bound that applies (throughput or one-photo latency). */
export function printCases(title, cases, bounds) {
  console.log(`\n${title}`);
  const header = ['case', 'ms/photo', 'min-max', 'CPU ms/photo', 'x bound'];
  const lines = cases.map((c) => [c.name, f2(c.wall), `${f2(c.minWall)}-${f2(c.maxWall)}`, f2(c.cpu), `${f2(c.ratio)} (${c.bound})`]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
  console.log(`bounds: throughput ${f2(bounds.throughput)} ms/photo, one photo ${f2(bounds.latency)} ms`);
}

/** The README tables, from one run's results. */
export function nodeMarkdown(results) {
  const { machine } = results;
  const names = Object.keys(results.models);
  const m = names.map((n) => results.models[n]);
  const lines = [];
  lines.push(
    `Measured by one \`pnpm bench:node\` run (${results.date.slice(0, 10)}, median of ${results.rounds} interleaved rounds) on ${machine.cpu}, ${machine.cores} cores, ` +
      `flags ${machine.flags.join(' ')}; Node ${machine.node}, onnxruntime-node ${machine.onnxruntime}, sharp ${machine.sharp} (libvips ${machine.libvips}).`,
    '',
    `| stage, CPU ms/photo | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} |`,
    `| sharp decode + resize + crop | ${m.map((x) => f2(x.stages.decode.cpu)).join(' | ')} |`,
    `| normalise into the batch buffer (one multiply-add per value) | ${m.map((x) => f2(x.stages.normalise.cpu)).join(' | ')} |`,
    `| \`session.run\`, batch 8 (the lower of spinning within runs, or never) | ${m.map((x) => f2(Math.min(x.stages.run8.cpu, x.stages.run8Quiet.cpu))).join(' | ')} |`,
    `| softmax + top-5 | ${m.map((x) => x.stages.post.cpu.toFixed(3)).join(' | ')} |`,
    `| **throughput bound**: max(sum ÷ ${machine.cores} cores, longest stage alone) | ${m.map((x) => `**${f2(x.bound.bound)}**`).join(' | ')} |`,
    `| **one-photo bound**: decode + normalise + \`session.run\` batch 1 + top-5, wall | ${m.map((x) => `**${f2(x.latencyBound)}**`).join(' | ')} |`,
    '',
    `| pipeline, ms/photo (× its bound) | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} |`,
  );
  for (const c of m[0].pipelines) {
    const cells = m.map((x) => {
      const p = x.pipelines.find((y) => y.key === c.key);
      return `${f2(p.wall)} (${f2(p.ratio)}×)`;
    });
    lines.push(`| ${c.name}${c.bound === 'latency' ? ' †' : ''} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    "† compared with the one-photo bound; the others with the throughput bound (transformers.js rows with the same bounds, those of onnx-mobilenet's stages).",
    '',
    `onnx-mobilenet's array call against transformers.js: ${m.map((x, i) => `${names[i]} ${f2(x.speedup.arrayVsTransformersSingle)}× its calls one at a time, ${f2(x.speedup.arrayVsTransformersConcurrent)}× its concurrent calls`).join('; ')}. ` +
      `One at a time against one at a time: ${m.map((x, i) => `${names[i]} ${f2(x.speedup.singleVsTransformersSingle)}×`).join(', ')}. ` +
      `Top-1 agreement with transformers.js: ${m.map((x, i) => `${names[i]} ${x.agreement.oursVsTransformers}/${x.agreement.photos}`).join(', ')}.`,
    '',
    '| large photo, preprocessing only | ms | × the 500×375 photo |',
    '| --- | --- | --- |',
    ...results.large.map((x) => `| ${x.name} | ${x.ms.toFixed(1)} | ${x.vsBase.toFixed(1)} |`),
    '',
    `Memory: RSS changed by ${results.soak.growthMB.toFixed(1)} MB over ${results.soak.classifications} classifications after warm-up.`,
  );
  return `${lines.join('\n')}\n`;
}
