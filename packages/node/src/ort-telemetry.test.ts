import { describe, expect, it, vi } from 'vitest';
import { disableOrtTelemetry } from './ort-telemetry.js';

describe('disableOrtTelemetry', () => {
  it('sets ORT_DISABLE_TELEMETRY=1 where the environment does not set it (empty counts as unset)', () => {
    for (const env of [{}, { ORT_DISABLE_TELEMETRY: '' }] as NodeJS.ProcessEnv[]) {
      disableOrtTelemetry(env, true);
      expect(env.ORT_DISABLE_TELEMETRY).toBe('1');
    }
  });

  it("leaves the user's own value, ORT_DISABLE_TELEMETRY=0 (telemetry on) included", () => {
    for (const value of ['0', 'true', '1']) {
      const env: NodeJS.ProcessEnv = { ORT_DISABLE_TELEMETRY: value };
      disableOrtTelemetry(env, false, () => expect.fail('no warning when the environment decides'));
      expect(env.ORT_DISABLE_TELEMETRY).toBe(value);
    }
  });

  it('warns once from a worker thread, whose process.env is a copy onnxruntime never reads', () => {
    const warn = vi.fn();
    disableOrtTelemetry({}, false, warn);
    disableOrtTelemetry({}, false, warn);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/ORT_DISABLE_TELEMETRY=1 in the environment/);
    expect(warn.mock.calls[0]![1]).toEqual({ code: 'ONNX_MOBILENET_ORT_TELEMETRY' });
  });
});
