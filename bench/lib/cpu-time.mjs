// CPU and wall time of benchmark cases, and the pipeline bound they are compared with.

/** CPU time of this process so far (all threads, user + system), in ms. */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `fn` once; wall and CPU time divided by `photos`. */
export async function perPhoto(photos, fn) {
  const c0 = cpuMs();
  const t0 = performance.now();
  await fn();
  return { wall: (performance.now() - t0) / photos, cpu: (cpuMs() - c0) / photos };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `rounds` rounds in which each case runs in turn, so that a slow moment of the machine
 * spreads over all cases instead of one. Within a round each case runs once untimed, then once
 * timed: the timed run finds the caches, allocator and thread pools as its own work left them,
 * not as the case before it did (a service repeats one workload). Returns per case the median
 * wall and CPU ms/photo and the spread of the wall times.
 * @param {Record<string, { photos: number, run: () => Promise<unknown> }>} cases
 */
export async function interleaved(cases, rounds) {
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, c] of Object.entries(cases)) {
      await c.run();
      samples[name].push(await perPhoto(c.photos, c.run));
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => {
      const walls = s.map((x) => x.wall);
      return [name, { wall: median(walls), cpu: median(s.map((x) => x.cpu)), minWall: Math.min(...walls), maxWall: Math.max(...walls) }];
    }),
  );
}

/**
 * The throughput bound of a pipeline on `cores` cores: no schedule can do better than spreading
 * every stage's CPU time over all cores, nor than the slowest single stage on its own (a stage
 * that cannot be split further, like session runs that go one at a time).
 * @param {{ name: string, cpu: number, alone: number }[]} stages  cpu: CPU ms/photo; alone: wall ms/photo of the stage run by itself on all cores
 */
export function pipelineBound(stages, cores) {
  const sumCpu = stages.reduce((a, s) => a + s.cpu, 0);
  const longest = stages.reduce((a, s) => (s.alone > a.alone ? s : a));
  return { sumCpu, cores, spread: sumCpu / cores, longest: { name: longest.name, ms: longest.alone }, bound: Math.max(sumCpu / cores, longest.alone) };
}
