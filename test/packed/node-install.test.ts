// What an install brings: `onnx-mobilenet` (both adapters) versus a browser-only app that depends
// on `@onnx-mobilenet/web` alone and so installs no native dependency.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { consumerEnv, diskUsage, runOk, writeApp, writePackageApp } from './consumer-project.js';

const NATIVE = ['onnxruntime-node', 'sharp', '@img'];

describe('installs', () => {
  it('onnx-mobilenet brings the Node adapter with its native dependencies, installed offline-safe', () => {
    const app = inject('npmApp');
    for (const dir of [...NATIVE, 'onnxruntime-web']) expect(existsSync(join(app, 'node_modules', dir)), dir).toBe(true);
    // ONNXRUNTIME_NODE_INSTALL=skip: the postinstall ran (scripts allowed) and fetched no CUDA libraries
    const bin = join(app, 'node_modules/onnxruntime-node/bin/napi-v6', `${process.platform}/${process.arch}`);
    expect(existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))).toBe(false);
    console.log(`node_modules of an onnx-mobilenet app: ${(diskUsage(join(app, 'node_modules')) / 1e6).toFixed(0)} MB`);
  });

  it('a browser-only app depending on @onnx-mobilenet/web alone installs no native dependency', () => {
    const tarballs = inject('tarballs');
    const app = join(inject('packedRoot'), 'web-app');
    writePackageApp(app, tarballs, '@onnx-mobilenet/web');
    runOk(app, 'npm', ['install', '--no-audit', '--no-fund'], consumerEnv());
    for (const dir of NATIVE) expect(existsSync(join(app, 'node_modules', dir)), dir).toBe(false);
    expect(existsSync(join(app, 'node_modules/onnxruntime-web'))).toBe(true);
    console.log(`node_modules of a browser-only @onnx-mobilenet/web app: ${(diskUsage(join(app, 'node_modules')) / 1e6).toFixed(0)} MB`);
  });
});

describeWithAssets('installs with --ignore-scripts', () => {
  it('work without any install script and without ONNXRUNTIME_NODE_INSTALL (CPU libraries ship in the packages)', () => {
    const app = join(inject('packedRoot'), 'npm-app-ignore-scripts');
    writeApp(app, inject('tarballs'), 'npm');
    const env = consumerEnv();
    delete env.ONNXRUNTIME_NODE_INSTALL;
    runOk(app, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], env);
    const photo = photos().find((p) => p.wnid === 'n01440764')!.path;
    const out = runOk(app, 'npx', ['--no-install', 'onnx-mobilenet', 'classify', photo, '--model', INT8_MODEL, '--labels', SYNSET, '--json'], env);
    expect(JSON.parse(out).predictions[0].id).toBe('n01440764');
  });
});
