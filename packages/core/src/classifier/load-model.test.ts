import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { describe, expect, it, vi } from 'vitest';
import type { ClassifierBackend } from '../backend.js';
import { loadModel } from './load-model.js';

/** A backend whose model and labels arrive when the test says, recording the order of events. */
function gatedBackend() {
  const events: string[] = [];
  const gates: Record<string, (bytes: Uint8Array) => void> = {};
  const release = vi.fn(async () => undefined);
  const session = {
    inputNames: ['input'],
    outputNames: ['output'],
    inputMetadata: [{ name: 'input', isTensor: true, type: 'float32', shape: [1, 3, 224, 224] }],
    outputMetadata: [{ name: 'output', isTensor: true, type: 'float32', shape: [1, 2] }],
    release,
  };
  const backend: ClassifierBackend<never> = {
    runtime: {
      name: 'fake',
      createSession: async () => {
        events.push('session');
        return { session: session as unknown as InferenceSession, createTensor: () => ({}) as Tensor };
      },
    },
    assets: {
      loadAsset: (_asset, { purpose, signal }) => {
        events.push(`${purpose} requested`);
        signal?.addEventListener('abort', () => events.push(`${purpose} aborted`));
        return new Promise((resolve) => (gates[purpose] = resolve));
      },
    },
    decoder: { open: async () => Promise.reject(new Error('not used')) },
    platform: { warn: () => undefined },
  };
  return { backend, events, gates, release };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('loadModel', () => {
  it('reads the labels while the model downloads, not after its session', async () => {
    const { backend, events, gates } = gatedBackend();
    const loading = loadModel(backend, { model: 'model.onnx', labels: 'labels.txt', embeddings: false, precision: 'model' }, () => undefined);
    await settle();
    expect(events).toEqual(['labels requested', 'model requested']);
    gates.labels!(new TextEncoder().encode('cat\ndog\n'));
    gates.model!(new Uint8Array(0));
    const loaded = await loading;
    expect(loaded.labels.map((l) => l.label)).toEqual(['cat', 'dog']);
    expect(events).toEqual(['labels requested', 'model requested', 'session']);
  });

  it('reports a failing model, not the labels, when both fail, and releases the session when only the labels do', async () => {
    const both = gatedBackend();
    const failing = loadModel(both.backend, { model: 'model.onnx', labels: 'labels.txt', embeddings: false }, () => undefined);
    await settle();
    both.gates.labels!(Uint8Array.of(0xff, 0xfe)); // not UTF-8
    await settle();
    both.gates.model!(new Uint8Array(10).fill(1)); // not a protobuf
    await expect(failing).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });

    const labelsOnly = gatedBackend();
    const loading = loadModel(labelsOnly.backend, { model: 'model.onnx', labels: 'labels.txt', embeddings: false, precision: 'model' }, () => undefined);
    await settle();
    labelsOnly.gates.labels!(Uint8Array.of(0xff, 0xfe));
    labelsOnly.gates.model!(new Uint8Array(0));
    await expect(loading).rejects.toMatchObject({ code: 'E_LABELS' });
    expect(labelsOnly.release).toHaveBeenCalledTimes(1);
  });

  it('stops the labels download when the model fails', async () => {
    const { backend, events, gates } = gatedBackend();
    const failing = loadModel(backend, { model: 'model.onnx', labels: 'labels.txt', embeddings: false }, () => undefined);
    await settle();
    gates.model!(new Uint8Array(10).fill(1)); // not a protobuf
    await expect(failing).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
    expect(events).toContain('labels aborted');
    expect(events).not.toContain('model aborted');
  });
});
