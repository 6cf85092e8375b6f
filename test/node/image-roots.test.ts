// The Node classifier's imageRoots: image paths and file: URLs only under the given folders, with
// one E_FORBIDDEN for outside, missing and linked-out paths; models and labels are not confined.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClassifier } from '@onnx-mobilenet/node';
import { afterAll, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';

describeWithAssets('imageRoots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-image-roots-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('classifies under the roots as without them, and refuses everything else alike', async () => {
    const [photo] = photos();
    if (!photo) throw new Error('no photo');
    mkdirSync(join(dir, 'in'));
    copyFileSync(photo.path, join(dir, 'in/a.jpg'));
    symlinkSync('/etc/passwd', join(dir, 'in/passwd.jpg'));
    const free = await createClassifier({ model: INT8_MODEL, labels: SYNSET, embeddings: false });
    const confined = await createClassifier({ model: INT8_MODEL, labels: SYNSET, embeddings: false, imageRoots: [join(dir, 'in')] });
    try {
      expect(await confined.classify(join(dir, 'in/a.jpg'))).toEqual(await free.classify(photo.path));
      expect(await confined.classify(pathToFileURL(join(dir, 'in/a.jpg')))).toEqual(await free.classify(photo.path));
      for (const input of ['/etc/passwd', photo.path, join(dir, 'in/passwd.jpg'), join(dir, 'in/missing.jpg'), pathToFileURL('/etc/passwd')]) {
        const path = input instanceof URL ? '/etc/passwd' : input;
        await expect(confined.classify(input)).rejects.toMatchObject({
          code: 'E_FORBIDDEN',
          message: `path not allowed: ${JSON.stringify(path)}; only files under the configured folders are read (option imageRoots)`,
        });
      }
      // the unconfined classifier reads /etc/passwd and says what it is, without quoting it
      await expect(free.classify('/etc/passwd')).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.not.stringMatching(/root:x|72 6f 6f 74/) });
    } finally {
      await free.dispose();
      await confined.dispose();
    }
    await expect(createClassifier({ model: INT8_MODEL, imageRoots: [join(dir, 'nope')] })).rejects.toMatchObject({ code: 'E_INPUT' });
  }, 60_000);
});
