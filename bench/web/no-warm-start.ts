// Stand-in for packages/web/src/warm-start.ts in the bench's "warm start off" page: onnxruntime-web
// starts when the model's session is created, as before the warm start, for an A/B in one run.
export const IDENTITY_MODEL = new Uint8Array(0);
export function warmStart(): void {}
export async function warmStarted(): Promise<void> {}
