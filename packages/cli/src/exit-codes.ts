/**
 * The exit statuses of `onnx-mobilenet`, with what each means: the help's "Exit status" lines,
 * the CLI guide's table and the code that returns them all read this one constant.
 */
export const EXIT_CODES = Object.freeze({
  ok: { code: 0, meaning: 'done: every image classified (or the model written, the list printed)' },
  failed: { code: 1, meaning: 'the run failed (model or labels not loaded, an output not written), or an image could not be classified' },
  usage: { code: 2, meaning: 'usage error: an unknown command or option, a missing or bad value (nothing was loaded)' },
  sigint: { code: 130, meaning: 'stopped by SIGINT (Ctrl-C): photos in flight dropped whole, output flushed' },
  sigterm: { code: 143, meaning: 'stopped by SIGTERM, the same way' },
} as const);

/** The exit statuses as help lines: `  0    done: …`. */
export const EXIT_HELP = `Exit status:\n${Object.values(EXIT_CODES)
  .map(({ code, meaning }) => `  ${String(code).padEnd(4)} ${meaning}`)
  .join('\n')}`;
