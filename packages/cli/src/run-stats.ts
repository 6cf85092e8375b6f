import { progressBar } from './cli-progress.js';
import { terminalText } from './terminal-text.js';

/** Counts a classify run as results come: photos, errors by code, rate, for the progress line and the summary. */
export class RunStats {
  private readonly started = Date.now();
  photos = 0;
  skipped = 0;
  readonly errors = new Map<string, number>();

  /** Records one photo's outcome (`code` for a failure). */
  record(code?: string): void {
    this.photos++;
    if (code !== undefined) this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  get failures(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }

  /** Photos per second since the start. */
  rate(now = Date.now()): number {
    const s = (now - this.started) / 1000;
    return s > 0 ? this.photos / s : 0;
  }

  /**
   * `classify 120 photos  4.1/s` while the folders are still walked; once `total` (the photos of
   * this run) is known, a bar and the ETA: `classify [####....] 120/300  4.1/s  ETA 0:44`.
   */
  progress(total?: number): string {
    const rate = `${this.rate().toFixed(1)}/s`;
    if (total === undefined) return `classify ${this.photos} photos  ${rate}`;
    const r = this.rate();
    const eta = r > 0 ? `  ETA ${clock((total - this.photos) / r)}` : '';
    return `${progressBar('classify', this.photos, total).slice(1)}  ${rate}${eta}`;
  }

  /** `classified 53 photos in 12.9 s (4.1 photos/s); 2 errors: E_IMAGE_DECODE 1, E_NOT_FOUND 1`. */
  summary(stoppedBy?: string): string {
    const seconds = (Date.now() - this.started) / 1000;
    const errors = [...this.errors].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${terminalText(code)} ${n}`);
    return [
      `${stoppedBy ? `stopped by ${stoppedBy}: ` : ''}classified ${this.photos} photo${this.photos === 1 ? '' : 's'} in ${seconds.toFixed(1)} s (${this.rate().toFixed(1)} photos/s)`,
      this.skipped > 0 ? `; ${this.skipped} skipped (already in the output)` : '',
      `; ${this.failures} error${this.failures === 1 ? '' : 's'}${errors.length ? `: ${errors.join(', ')}` : ''}`,
    ].join('');
  }
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
