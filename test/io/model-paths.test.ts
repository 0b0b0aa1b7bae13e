// loadModelFiles reads only what a model.json may name: weight paths inside its folder (also
// after links), regular files, whose sizes add up to the manifest's; checked before any read,
// so /dev/zero or a big file elsewhere is never read.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFiles, saveModelFiles } from '../../src/io/files.ts';
import { initParams } from '../../src/model/init.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'model-paths-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A saved model whose manifest path is replaced by `path`. */
async function modelNaming(path: string): Promise<string> {
  const dir = await tempDir();
  const model = join(dir, 'model');
  await saveModelFiles(model, DEFAULT_MODEL, initParams(DEFAULT_MODEL.params, 3));
  const json = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = [path];
  await writeFile(join(model, 'model.json'), JSON.stringify(json));
  return model;
}

async function problem(model: string): Promise<string> {
  const err = await loadModelFiles(model).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return (err as Error).message;
}

describe('weight paths of a model.json', () => {
  it('loads a model saved by this project', async () => {
    const model = await modelNaming('weights.bin');
    expect((await loadModelFiles(model)).params).toEqual(initParams(DEFAULT_MODEL.params, 3));
  });

  it('refuses ../ paths even to a file of the right size', async () => {
    const model = await modelNaming('../secret.bin');
    await writeFile(join(model, '..', 'secret.bin'), await readFile(join(model, 'weights.bin')));
    expect(await problem(model)).toContain('weights file "../secret.bin" lies outside the model\'s folder');
  });

  it('refuses absolute paths and links leading out of the folder', async () => {
    expect(await problem(await modelNaming('/etc/hostname'))).toContain('lies outside the model\'s folder');
    const model = await modelNaming('link.bin');
    const outside = join(model, '..', 'outside.bin');
    await writeFile(outside, await readFile(join(model, 'weights.bin')));
    await symlink(outside, join(model, 'link.bin'));
    expect(await problem(model)).toContain('weights file "link.bin" links outside the model\'s folder');
  });

  it('refuses /dev/zero reached through a link, at once', async () => {
    const model = await modelNaming('zero.bin');
    await symlink('/dev/zero', join(model, 'zero.bin'));
    const t0 = performance.now();
    expect(await problem(model)).toMatch(/links outside the model's folder|is not a regular file/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('refuses a folder and a file of the wrong size before reading it', async () => {
    const model = await modelNaming('sub');
    await mkdir(join(model, 'sub'));
    expect(await problem(model)).toContain('weights file "sub" (');
    expect(await problem(model)).toContain('is not a regular file');
    const big = await modelNaming('big.bin');
    await writeFile(join(big, 'big.bin'), new Uint8Array(900_136 + 4));
    expect(await problem(big)).toContain('big.bin: 900,140 bytes on disk, the manifest describes 900,136');
  });

  it('refuses a model.json that is not a regular file', async () => {
    expect(await problem('/dev/zero')).toBe('/dev/zero: not a regular file');
  });
});
