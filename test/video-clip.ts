// Short test videos made with Debian's ffmpeg from the photos in ../shared: each photo held still
// for `seconds`, one after the other, so the frames' true classes and the cuts are known.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Why ffmpeg tests cannot run here ('' when ffmpeg runs); CI installs it (`.ci/run`). */
export const ffmpegReason = spawnSync('ffmpeg', ['-version']).status === 0 ? '' : 'ffmpeg is not installed (apt-get install ffmpeg)';
/** Skip the ffmpeg tests where there is no ffmpeg, except in CI, where they run and fail. */
export const skipWithoutFfmpeg = Boolean(ffmpegReason) && process.env.CI !== 'true';

/** Size of the clips' frames: 4:3, as a webcam or phone video. */
export const CLIP_SIZE = { width: 320, height: 240 };

/**
 * Writes `name` (an .mp4, H.264 at 25 fps) in `dir`: each of `photos` for `seconds`, scaled to
 * cover {@link CLIP_SIZE} and center-cropped. Returns its path.
 */
export function makeClip(dir: string, photos: string[], seconds: number, name = 'clip.mp4'): string {
  const { width, height } = CLIP_SIZE;
  const inputs = photos.flatMap((p) => ['-loop', '1', '-framerate', '25', '-t', String(seconds), '-i', p]);
  const scaled = photos.map((_, i) => `[${i}]scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1[v${i}]`);
  const concat = `${photos.map((_, i) => `[v${i}]`).join('')}concat=n=${photos.length}:v=1[out]`;
  const out = join(dir, name);
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...inputs];
  args.push('-filter_complex', [...scaled, concat].join(';'), '-map', '[out]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out);
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${out}: ${r.stderr || r.error?.message}`);
  return out;
}

/**
 * Checks the labels of a clip's frames, in order, at `times` (ms): `first` until the cut, then
 * `second`, switching once, at the cut (within one frame period).
 */
export function expectCut(
  times: number[],
  labels: (string | undefined)[],
  { first, second, cutMs, periodMs }: { first: string; second: string; cutMs: number; periodMs: number },
): void {
  expect(times).toEqual(times.map((_, i) => i * periodMs));
  const cut = labels.indexOf(second);
  expect(cut, `no frame is labelled ${second}: ${labels.join(', ')}`).toBeGreaterThan(0);
  expect(Math.abs(times[cut]! - cutMs)).toBeLessThanOrEqual(periodMs);
  expect(labels).toEqual(labels.map((_, i) => (i < cut ? first : second)));
}
