import { describe, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets } from '../../../test/assets.js';
import { createClassifier } from './index.js';
import { sessionExtra } from './session-extra.js';

describe('sessionExtra', () => {
  it('spins within runs, briefly, and stops after each by default', () => {
    expect(sessionExtra(undefined)).toEqual({
      'session.intra_op.allow_spinning': '1',
      'session.intra_op.spin_duration_us': '25',
      'session.force_spinning_stop': '1',
    });
  });

  it("keeps the defaults beside the caller's other entries (they used to replace them)", () => {
    expect(sessionExtra({ session: { set_denormal_as_zero: '1' } })).toEqual({
      session: { set_denormal_as_zero: '1' },
      'session.intra_op.allow_spinning': '1',
      'session.intra_op.spin_duration_us': '25',
      'session.force_spinning_stop': '1',
    });
  });

  it('takes an undefined entry for no value (onnxruntime-node would refuse it)', () => {
    expect(sessionExtra({ 'session.force_spinning_stop': undefined, session: { intra_op: { allow_spinning: undefined } } })).toEqual({
      session: { intra_op: {} },
      'session.intra_op.allow_spinning': '1',
      'session.intra_op.spin_duration_us': '25',
      'session.force_spinning_stop': '1',
    });
  });

  it("lets the caller's value win, nested or as a dotted key", () => {
    expect(sessionExtra({ session: { intra_op: { allow_spinning: '0' } } })).toEqual({
      session: { intra_op: { allow_spinning: '0' } },
      'session.intra_op.spin_duration_us': '25',
      'session.force_spinning_stop': '1',
    });
    expect(sessionExtra({ 'session.intra_op.spin_duration_us': '100', 'session.intra_op': { allow_spinning: '0' } })).toEqual({
      'session.intra_op.spin_duration_us': '100',
      'session.intra_op': { allow_spinning: '0' },
      'session.force_spinning_stop': '1',
    });
    expect(sessionExtra({ 'session.force_spinning_stop': '0', session: { intra_op: { spin_duration_us: '1000' } } })).toEqual({
      session: { intra_op: { spin_duration_us: '1000' } },
      'session.force_spinning_stop': '0',
      'session.intra_op.allow_spinning': '1',
    });
  });
});

describeWithAssets('a classifier given sessionOptions.extra', () => {
  it('still stops its threads spinning after each run (idle between runs costs no CPU)', async () => {
    const cpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET, sessionOptions: { extra: { session: { set_denormal_as_zero: '1' } } } });
    try {
      const tensor = { data: new Float32Array(3 * 224 * 224), dims: [1, 3, 224, 224] };
      let idle = 0;
      for (let i = 0; i < 10; i++) {
        await classifier.classify(tensor);
        const before = cpuMs();
        await new Promise((r) => setTimeout(r, 20));
        idle += cpuMs() - before;
      }
      // Threads left spinning burn about a core for the whole gap (measured: ~1 CPU-ms per ms);
      // stopped, the process sleeps. A busy machine can only lower the spinning figure.
      expect(idle / 10).toBeLessThan(5);
    } finally {
      await classifier.dispose();
    }
  });
});
