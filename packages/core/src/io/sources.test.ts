import { describe, expect, it } from 'vitest';
import { MODELS } from './model-registry.js';
import { clipText, OnnxMobilenetError } from '../errors/errors.js';
import { describeValue } from '../errors/errors.js';
import { assertSourceLength, resolveLabelsSource, resolveModelSource } from './sources.js';

// Written out, not derived from MODEL_ZOO_BASE_URL, so a changed base URL fails here.
const ZOO = 'https://github.com/onnx/models/raw/main/validated/vision/classification';
const HASH = 'ab'.repeat(32);

/** A buffer detached by transferring it, as postMessage to a worker does. */
function detached(): ArrayBuffer {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

describe('resolveModelSource', () => {
  it('resolves a registry name to its zoo URL, pinned hash and size, with the registry entry', () => {
    const r = resolveModelSource('mobilenetv2-12-int8');
    expect(r.asset).toEqual({
      kind: 'url',
      url: `${ZOO}/mobilenet/model/mobilenetv2-12-int8.onnx`,
      sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
      bytes: 3655033,
      description: 'mobilenetv2-12-int8',
    });
    expect(r.registry).toBe(MODELS['mobilenetv2-12-int8']);
  });

  it('takes registry files from a mirror (trailing slashes ignored), and only registry files', () => {
    for (const mirror of ['https://models.example.com/zoo', 'https://models.example.com/zoo//']) {
      expect(resolveModelSource('mobilenetv2-7', undefined, mirror).asset).toMatchObject({
        kind: 'url',
        url: 'https://models.example.com/zoo/mobilenet/model/mobilenetv2-7.onnx',
        sha256: MODELS['mobilenetv2-7'].sha256,
      });
    }
    expect(resolveModelSource('https://example.com/m.onnx', undefined, 'https://models.example.com/zoo').asset).toMatchObject({
      url: 'https://example.com/m.onnx',
    });
    expect(resolveModelSource('mobilenetv2-7', undefined, '').asset).toMatchObject({ url: `${ZOO}/mobilenet/model/mobilenetv2-7.onnx` });
  });

  it('treats other strings as URLs (by scheme, any case) or paths, carrying the given sha256', () => {
    // the description, shown in messages and model.source, is the URL without secrets or contents
    for (const [url, description] of [
      ['https://example.com/m.onnx', 'https://example.com/m.onnx'],
      ['HTTP://example.com/m.onnx', 'http://example.com/m.onnx'],
      ['https://u:p@example.com/m.onnx?sig=abc', 'https://***@example.com/m.onnx?sig=***'],
      ['file:///tmp/m.onnx', 'file:///tmp/m.onnx'],
      ['blob:https://example.com/1', 'blob:***'],
      ['data:application/octet-stream;base64,AA==', 'data:***'],
    ]) {
      expect(resolveModelSource(url!, HASH).asset).toEqual({ kind: 'url', url, sha256: HASH, description });
    }
    for (const path of ['./model.onnx', '/abs/model.onnx', 'model.onnx', 'C:/models/m.onnx', 'mobilenetv2-99']) {
      expect(resolveModelSource(path).asset).toEqual({ kind: 'path', path, sha256: undefined, description: path });
      expect(resolveModelSource(path).registry).toBeUndefined();
    }
    expect(resolveModelSource(new URL('https://example.com/a b.onnx'), HASH.toUpperCase()).asset).toEqual({
      kind: 'url',
      url: 'https://example.com/a%20b.onnx',
      sha256: HASH.toUpperCase(),
      description: 'https://example.com/a%20b.onnx',
    });
  });

  it('does not take Object.prototype names for registry entries', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(resolveModelSource(name)).toEqual({ asset: { kind: 'path', path: name, sha256: undefined, description: name } });
    }
  });

  it('takes bytes as a view of the same memory, from a Uint8Array or an ArrayBuffer', () => {
    const buffer = new Uint8Array([9, 1, 2, 3, 9]).buffer;
    const fromView = resolveModelSource(new Uint8Array(buffer, 1, 3)).asset;
    expect(fromView).toMatchObject({ kind: 'bytes', description: 'model bytes' });
    const bytes = (fromView as { bytes: Uint8Array }).bytes;
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
    expect(bytes.buffer).toBe(buffer);
    const fromBuffer = resolveModelSource(buffer).asset as { kind: string; bytes: Uint8Array };
    expect(fromBuffer.kind).toBe('bytes');
    expect(Array.from(fromBuffer.bytes)).toEqual([9, 1, 2, 3, 9]);
  });

  it('refuses a sha256 that is not 64 hex digits with E_INPUT, before anything else', () => {
    for (const sha of ['abc', 'g'.repeat(64), `${HASH}0`, '../../etc/passwd', '', 42 as never, null as never]) {
      for (const model of ['./m.onnx', 'https://example.com/m.onnx', new Uint8Array(4)]) {
        expect(() => resolveModelSource(model, sha)).toThrow(
          expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/sha256 must be 64 hex digits/) }),
        );
      }
    }
  });

  it('refuses other types, empty strings and detached buffers with E_INPUT naming the registry', () => {
    for (const bad of [42, null, undefined, {}, [], '', new DataView(new ArrayBuffer(4)), Symbol('m')]) {
      expect(() => resolveModelSource(bad as never)).toThrow(
        expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining('mobilenetv2-12-int8') }),
      );
    }
    expect(() => resolveModelSource(detached())).toThrow(expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/detached/) }));
  });
});

describe('resolveLabelsSource', () => {
  it('defaults to the zoo ImageNet list, pinned by hash, from the mirror when given', () => {
    const list = { kind: 'url', sha256: 'acf75ef0abe89694b19056e0796401068b459c457baa30335f240c7692857355', bytes: 31675, description: 'ImageNet labels' };
    expect(resolveLabelsSource(undefined)).toEqual({ ...list, url: `${ZOO}/synset.txt` });
    expect(resolveLabelsSource(undefined, 'http://127.0.0.1:8080/zoo/')).toEqual({ ...list, url: 'http://127.0.0.1:8080/zoo/synset.txt' });
  });

  it('uses an array of labels as it is, and resolves paths, URLs and bytes (mirror left out)', () => {
    const names = ['cat', 'dog'];
    expect(resolveLabelsSource(names)).toBe(names);
    expect(resolveLabelsSource('./synset.txt', 'https://m.example')).toEqual({ kind: 'path', path: './synset.txt', description: './synset.txt' });
    expect(resolveLabelsSource('https://example.com/l.txt', 'https://m.example')).toEqual({
      kind: 'url',
      url: 'https://example.com/l.txt',
      description: 'https://example.com/l.txt',
    });
    expect(resolveLabelsSource(new URL('file:///tmp/l.txt'))).toEqual({ kind: 'url', url: 'file:///tmp/l.txt', description: 'file:///tmp/l.txt' });
    const bytes = new TextEncoder().encode('cat\ndog\n');
    expect(resolveLabelsSource(bytes)).toMatchObject({ kind: 'bytes', description: 'label bytes' });
    expect(Array.from((resolveLabelsSource(bytes.buffer) as { bytes: Uint8Array }).bytes)).toEqual(Array.from(bytes));
  });

  it('refuses other types, empty strings and detached buffers with E_INPUT', () => {
    for (const bad of [42, null, {}, '', new Map(), true]) {
      expect(() => resolveLabelsSource(bad as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/^labels must be/) }));
    }
    expect(() => resolveLabelsSource(detached())).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/labels buffer is detached/) }),
    );
  });
});

describe('assertSourceLength', () => {
  const limits = { maxSourceChars: 20 };

  it('refuses a path or URL longer than limits.maxSourceChars with E_LIMIT, quoting it cut short', () => {
    const path = `/tmp/${'a'.repeat(10_000)}`;
    expect(() => assertSourceLength(path, 'image', limits)).toThrow(
      expect.objectContaining({
        code: 'E_LIMIT',
        message: expect.stringMatching(/^the image path "\/tmp\/a+…" has 10005 characters, over limits.maxSourceChars \(20\)$/),
      }),
    );
    expect(() => assertSourceLength(new URL(`https://example.com/${'b'.repeat(100)}`), 'model', limits)).toThrow(
      expect.objectContaining({ code: 'E_LIMIT', message: expect.stringContaining('the model URL') }),
    );
    let message = '';
    try {
      assertSourceLength(path, 'image', limits);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.length).toBeLessThan(300);
  });

  it('passes short strings, data: URLs (bounded by the byte limits) and other values', () => {
    expect(() => assertSourceLength('/tmp/photo.jpg', 'image', limits)).not.toThrow();
    expect(() => assertSourceLength(`data:image/png;base64,${'A'.repeat(1000)}`, 'image', limits)).not.toThrow();
    expect(() => assertSourceLength(new Uint8Array(1000), 'image', limits)).not.toThrow();
    expect(() => assertSourceLength(undefined, 'labels', limits)).not.toThrow();
  });
});

describe('describeValue and clipText', () => {
  it('quote caller strings cut to 200 characters with an ellipsis', () => {
    expect(clipText('a'.repeat(1000))).toBe(`${'a'.repeat(199)}…`);
    expect(clipText('short')).toBe('short');
    // a surrogate pair is never split
    expect(clipText(`${'a'.repeat(198)}😀b`)).toBe(`${'a'.repeat(198)}…`);
    expect(describeValue('x'.repeat(60_000_000)).length).toBeLessThan(220);
  });

  it('OnnxMobilenetError cuts any message past 4,096 characters', () => {
    expect(new OnnxMobilenetError('E_INPUT', 'm'.repeat(100_000)).message).toHaveLength(4096);
  });
});
