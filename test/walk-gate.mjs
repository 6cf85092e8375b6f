// Runs the CLI (`node walk-gate.mjs <cli.js> <args...>`) with a gate on its directory walk, to tell
// a walk that streams from one that lists every file first, without timing: once the process has
// read WALK_GATE_AFTER directory entries, its next read waits until WALK_GATE_OUTPUT holds a
// complete line. A CLI that classifies files as they are walked writes that line and goes on; one
// that lists the folder before classifying never does (the walk waits for a result that waits for
// the walk), until the gate gives up after WALK_GATE_LIVENESS_MS (a liveness bound, never a
// measure). How the gate opened is written to WALK_GATE_REPORT as JSON, atomically:
// { released: 'result' | 'timeout', entriesRead, linesAtRelease }.
// A runner rather than a `--import` preload: worker threads inherit execArgv, and the gate belongs
// to the thread that walks only.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const after = Number(process.env.WALK_GATE_AFTER);
const output = process.env.WALK_GATE_OUTPUT ?? '';
const report = process.env.WALK_GATE_REPORT ?? '';
const livenessMs = Number(process.env.WALK_GATE_LIVENESS_MS ?? 20_000);
const [bin, ...args] = process.argv.slice(2);
if (!(after > 0) || !output || !report || !bin) {
  throw new Error('usage: WALK_GATE_AFTER=n WALK_GATE_OUTPUT=file WALK_GATE_REPORT=file node walk-gate.mjs <cli.js> <args...>');
}

const completeLines = () => {
  try {
    return fs.readFileSync(output, 'utf8').split('\n').length - 1;
  } catch {
    return 0; // not created yet
  }
};

let entriesRead = 0;
/** @type {Promise<void> | undefined} */
let gate;
function waitForAResult() {
  gate ??= new Promise((resolve) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const lines = completeLines();
      const released = lines > 0 ? 'result' : Date.now() - started > livenessMs ? 'timeout' : undefined;
      if (!released) return;
      clearInterval(poll);
      fs.writeFileSync(`${report}.tmp`, JSON.stringify({ released, entriesRead, linesAtRelease: lines }));
      fs.renameSync(`${report}.tmp`, report);
      resolve();
    }, 10);
  });
  return gate;
}

const read = fs.Dir.prototype.read;
/**
 * `Dir.read()` with the gate before each entry past the first `after`.
 * @this {fs.Dir}
 * @param {((err: NodeJS.ErrnoException | null, entry: fs.Dirent | null) => void) | undefined} callback
 */
function gatedRead(callback) {
  if (callback) return read.call(this, callback); // the callback form: not what the walk uses
  return (async () => {
    if (entriesRead >= after) await waitForAResult();
    const entry = await /** @type {(this: fs.Dir) => Promise<fs.Dirent | null>} */ (read).call(this);
    if (entry !== null) entriesRead++;
    return entry;
  })();
}
fs.Dir.prototype.read = /** @type {typeof read} */ (/** @type {unknown} */ (gatedRead));

process.argv = [process.execPath, bin, ...args];
await import(pathToFileURL(bin).href);
