// The fake camera of the live-stream tests: a y4m file Chromium loops as its camera
// (--use-file-for-fake-video-capture), written from two photos, and the analysis of where the
// picture changes against what the classifier said.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Size and rate of the fake camera: small, so the looped file stays a few MB and decodes fast. */
export const CAMERA = { width: 320, height: 240, fps: 30, secondsEach: 3 } as const;
/** The thumbnail size at which the page tells the two pictures apart. */
export const THUMB: [number, number] = [32, 24];

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 64 << 20 });

/**
 * Writes `camera.y4m` in `dir`: `first` then `second`, `CAMERA.secondsEach` seconds each, cropped
 * to fill 320x240 at 30 fps; `clip.webm` (VP8) of the same frames for a `<video>`; and returns
 * each picture's thumbnail (RGB, `THUMB`), taken from the middle of its part of the file.
 */
export function writeFakeCamera(dir: string, first: string, second: string): { y4m: string; webm: string; refs: number[][] } {
  const { width, height, fps, secondsEach } = CAMERA;
  const fit = `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,format=yuv420p`;
  const y4m = join(dir, 'camera.y4m');
  ffmpeg([
    ...['-loop', '1', '-framerate', `${fps}`, '-t', `${secondsEach}`, '-i', first],
    ...['-loop', '1', '-framerate', `${fps}`, '-t', `${secondsEach}`, '-i', second],
    ...['-filter_complex', `[0:v]${fit}[a];[1:v]${fit}[b];[a][b]concat=n=2:v=1[v]`, '-map', '[v]', '-r', `${fps}`, y4m],
  ]);
  const webm = join(dir, 'clip.webm');
  ffmpeg(['-i', y4m, '-c:v', 'libvpx', '-b:v', '1M', '-deadline', 'realtime', '-cpu-used', '8', webm]);
  const refs = [0.5, 1.5].map((at) => {
    const frame = Math.round(at * secondsEach * fps);
    const raw = ffmpeg([
      '-i',
      y4m,
      '-vf',
      `select=eq(n\\,${frame}),scale=${THUMB[0]}:${THUMB[1]}:flags=area`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]);
    return Array.from(raw);
  });
  return { y4m, webm, refs };
}

/** Chromium's flags for a fake camera playing `y4m`, permission granted, and `gc()` for the page. */
export const fakeCameraFlags = (y4m: string) => [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${y4m}`,
  '--js-flags=--expose-gc',
  // a background page's timers and frames are not throttled: the test's page is headless, never shown
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

/** What one result of the stream says, reduced to plain data (the page sends these). */
export interface Row {
  frame: number;
  timestamp: number;
  latencyMs: number;
  dropped: number;
  top?: string | undefined;
  error?: string | undefined;
}
export interface Seen {
  t: number;
  which: number;
  margin: number;
}

/**
 * Where the picture changed (from the observer's frames, by their media time), and for each
 * change the stream's results saw whole, how long in media time until the top-1 was the new
 * picture's class. Also the results more than `settleMs` past a change whose label was wrong.
 */
export function cutsAndLags(rows: Row[], seen: Seen[], classes: string[], settleMs = 1000) {
  const frames = [...seen].sort((a, b) => a.t - b.t);
  // a cut is counted from the first frame of the new picture the camera delivered; `gapMs` is how
  // long after the last frame of the old one that came (a busy machine's camera skips frames)
  const cuts = frames.flatMap((f, i) => (i > 0 && f.which !== frames[i - 1]!.which ? [{ t: f.t, to: f.which, gapMs: f.t - frames[i - 1]!.t }] : []));
  const first = rows[0]?.timestamp ?? Infinity;
  const last = rows.at(-1)?.timestamp ?? -Infinity;
  const lags = cuts
    .filter((c) => c.t > first && c.t + settleMs < last)
    .map((c) => {
      const hit = rows.find((r) => r.timestamp >= c.t && r.top === classes[c.to]);
      return { at: c.t, to: c.to, gapMs: c.gapMs, lagMs: hit ? hit.timestamp - c.t : Infinity };
    });
  const whichAt = new Map(frames.map((f) => [f.t, f.which]));
  const unmatched = rows.filter((r) => !whichAt.has(r.timestamp)).length;
  const wrong = rows.filter((r) => {
    const which = whichAt.get(r.timestamp);
    const since = Math.max(-Infinity, ...cuts.filter((c) => c.t <= r.timestamp).map((c) => c.t));
    return which !== undefined && r.timestamp - since > settleMs && r.top !== classes[which];
  });
  return { cuts, lags, unmatched, wrong };
}

/** The p-th percentile (0 to 100) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
