import { OnnxMobilenetError } from '@onnx-mobilenet/node';
import { describe, expect, it } from 'vitest';
import { describeJobFailure, isPermanentFailure } from './failure-policy.js';

describe('isPermanentFailure', () => {
  it.each(['E_IMAGE_DECODE', 'E_LIMIT', 'E_INPUT', 'E_NOT_FOUND', 'E_FORBIDDEN'] as const)('%s is permanent: a retry reads the same bytes', (code) => {
    expect(isPermanentFailure(new OnnxMobilenetError(code, 'x'))).toBe(true);
  });
  it.each(['E_DOWNLOAD', 'E_INFERENCE', 'E_MODEL_LOAD', 'E_QUEUE'] as const)('%s is transient', (code) => {
    expect(isPermanentFailure(new OnnxMobilenetError(code, 'x'))).toBe(false);
  });
  it('an untyped error (a timeout, a dropped connection) is transient', () => {
    expect(isPermanentFailure(new Error('ETIMEDOUT'))).toBe(false);
    expect(describeJobFailure(new Error('ETIMEDOUT'))).toEqual({ message: 'ETIMEDOUT' });
  });
});
