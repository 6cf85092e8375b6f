import { describe, expect, it } from 'vitest';
import { onceEachCode } from './warnings.js';

describe('onceEachCode', () => {
  it('passes each code once, and a new channel starts afresh', () => {
    const seen: string[] = [];
    const warn = onceEachCode((message, code) => seen.push(`${code}: ${message}`));
    warn('first', 'ONNX_MOBILENET_INT8');
    warn('again', 'ONNX_MOBILENET_INT8');
    warn('other', 'ONNX_MOBILENET_NO_CRYPTO');
    expect(seen).toEqual(['ONNX_MOBILENET_INT8: first', 'ONNX_MOBILENET_NO_CRYPTO: other']);
    onceEachCode((message, code) => seen.push(`${code}: ${message}`))('fresh', 'ONNX_MOBILENET_INT8');
    expect(seen).toEqual(['ONNX_MOBILENET_INT8: first', 'ONNX_MOBILENET_NO_CRYPTO: other', 'ONNX_MOBILENET_INT8: fresh']);
  });
});
