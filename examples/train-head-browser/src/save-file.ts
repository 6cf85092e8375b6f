// Saving the trained model: the File System Access save dialog where the browser has one
// (Chromium), else the download link, which works everywhere.

/** The part of the File System Access API this page uses (not in TypeScript's DOM types yet). */
type SavePicker = (options: {
  suggestedName: string;
  types: { description: string; accept: Record<string, string[]> }[];
}) => Promise<{ createWritable(): Promise<{ write(data: Blob): Promise<void>; close(): Promise<void> }> }>;

const picker = (globalThis as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;

/** True where the browser can ask where to save (File System Access). */
export const canPickSaveFile = typeof picker === 'function';

/**
 * Saves `file` as `name`: through the save dialog where there is one, else (or when the dialog
 * cannot open: a page in an iframe, no user gesture) by clicking `fallback`, a download link.
 * The user cancelling the dialog saves nothing.
 */
export async function saveFile(file: Blob, name: string, fallback: HTMLAnchorElement): Promise<void> {
  if (!picker) {
    fallback.click();
    return;
  }
  try {
    const handle = await picker({ suggestedName: name, types: [{ description: 'ONNX model', accept: { 'application/octet-stream': ['.onnx'] } }] });
    const out = await handle.createWritable();
    await out.write(file);
    await out.close();
  } catch (err) {
    if ((err as Error).name === 'AbortError') return; // cancelled
    fallback.click();
  }
}
