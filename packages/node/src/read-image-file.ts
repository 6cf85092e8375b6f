import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OnnxMobilenetError, type Limits } from '@onnx-mobilenet/core';

/**
 * Reads an image file into memory, at most `limits.maxEncodedBytes`. The decoder gets these bytes,
 * never the path: the bytes whose format was checked are the bytes decoded (no swap in between),
 * and libvips loaders that only take files (its native .v format) are out of reach.
 */
export async function readImageFile(path: string, limits: Limits): Promise<Uint8Array> {
  const where = resolve(path);
  let file: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever.
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new OnnxMobilenetError('E_NOT_FOUND', `image file not found: ${where}`, { cause: err });
    throw new OnnxMobilenetError('E_INPUT', `cannot open image file ${where}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new OnnxMobilenetError('E_INPUT', `not a file: ${where}`);
    const tooBig = (bytes: number | string) =>
      new OnnxMobilenetError('E_LIMIT', `${where} has ${bytes} bytes, over limits.maxEncodedBytes (${limits.maxEncodedBytes})`);
    if (info.size > limits.maxEncodedBytes) throw tooBig(info.size);
    // One byte more than the size stat gave tells a file that grew since.
    const buffer = Buffer.alloc(Math.min(info.size + 1, limits.maxEncodedBytes + 1));
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limits.maxEncodedBytes) throw tooBig(`more than ${limits.maxEncodedBytes}`);
    if (length > info.size) throw new OnnxMobilenetError('E_INPUT', `image file ${where} grew while being read`);
    return buffer.subarray(0, length);
  } catch (err) {
    if (err instanceof OnnxMobilenetError) throw err;
    throw new OnnxMobilenetError('E_INPUT', `cannot read image file ${where}: ${(err as Error).message}`, { cause: err });
  } finally {
    await file.close().catch(() => undefined);
  }
}
