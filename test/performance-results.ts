// Bench results of the shape the benches write (bench/results/*-latest.json), for the Performance
// charts' tests: every number is distinct (11, 12, … in the order written), so a number shown for
// the wrong field is caught.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLD_START_PARTS, SOURCES } from '../bench/lib/performance-data.mjs';

/** Writes the four results into `dir`; returns them. */
export function benchResults(dir: string) {
  let n = 10;
  const v = () => ++n;
  const machine = { cpu: 'Test CPU', cores: 4, flags: ['avx2'], node: 'v20.0.0', onnxruntime: '1.30.0', sharp: '0.35.6', python: '3.11.7' };
  const date = '2026-01-02T03:04:05.000Z';
  const models = ['int8', 'fp32 stand-in'];
  const node = { machine, date, models: Object.fromEntries(models.map((m) => [m, { bound: { bound: v() } }])) };
  const cases = () => Object.fromEntries(['array', 'pyBatch8', 'tfjsSingle'].map((k) => [k, { wall: v() }]));
  const set = (name: string) => ({ name, photos: 53, models: Object.fromEntries(models.map((m) => [m, { cases: cases() }])) });
  const peer = { machine, date, rounds: 5, sets: { bench: set('bench photos'), second: set('second set') } };
  const parts = (names: string[]) => names.map((name) => ({ name, wall: v() }));
  const allOurs = COLD_START_PARTS.flatMap((g) =>
    g.parts.filter((p) => !['load onnxruntime-node', 'create the session', 'load sharp', 'decode, resize', 'normalise, run, argmax'].includes(p)),
  );
  const cold = {
    machine,
    date,
    rounds: 9,
    models: Object.fromEntries(
      ['int8', 'fp32'].map((m) => [
        m,
        {
          fromSpawn: { app: v(), floor: v(), python: v() },
          stages: { parts: parts(allOurs) },
          floor: { parts: parts(['node startup', 'load onnxruntime-node', 'create the session', 'load sharp', 'decode, resize', 'normalise, run, argmax']) },
        },
      ]),
    ),
  };
  const decode = {
    machine,
    date,
    rounds: 7,
    photos: 53,
    pillow: { decode: 1, crop: 2, pillow: '12.3.0' },
    decoders: [
      { name: 'sharp', decodeCpuMs: 3, cropCpuMs: 4 },
      { name: 'other', decodeCpuMs: 5, cropCpuMs: 6 },
    ],
  };
  const files = { node, pythonPeer: peer, coldStart: cold, decode };
  for (const [key, json] of Object.entries(files)) writeFileSync(join(dir, SOURCES[key as keyof typeof SOURCES].file), JSON.stringify(json));
  return files;
}

/** Rewrites the result `file` in `dir` with `change` applied to its JSON. */
export function spoilResult(dir: string, file: string, change: (json: any) => void) {
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  change(json);
  writeFileSync(path, JSON.stringify(json));
}

/** Every file in `dir` with its text. */
export const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
