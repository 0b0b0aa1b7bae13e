// The page's reading of the user's own dataset (dataset-upload.ts) against the command line's:
// a folder's files handed over as blobs, or zipped (a top folder, a __MACOSX folder), give the
// same pack, byte for byte, as `--dataset PATH --image-size H,W --color-mode MODE` gives from
// disk, in the same order (a folder "b" before a file "b.png"); the size and colours chosen from
// the pictures; and one line naming the file for an empty file, a damaged zip, a .npz label out
// of range, a file of another kind and a class folder without pictures; the summary the page
// shows (counts per class and split, a few images of each class, the command line's options).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImageFolder, listImageFolder } from '../../src/data/image-folder.ts';
import { readUpload, type DatasetUpload } from '../../src/data/dataset-upload.ts';
import { summarizeDataset } from '../../src/data/dataset-summary.ts';
import { packSplits } from '../../src/data/image-pack.ts';
import { encodePng } from './images/encode.ts';
import { npy } from './npy-fixture.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const rgbPng = (w: number, h: number, seed: number) =>
  encodePng({ width: w, height: h, colorType: 2, depth: 8, samples: Array.from({ length: w * h * 3 }, (_, i) => (i * seed + 5) % 256) });
const grayPng = (w: number, h: number, v: number) => encodePng({ width: w, height: h, colorType: 0, depth: 8, samples: Array(w * h).fill(v) });

const FILES: Record<string, Uint8Array | string> = {
  'cat/b.png': rgbPng(6, 5, 3),
  'cat/b/inner.png': rgbPng(3, 3, 7),
  'cat/c.png': grayPng(6, 5, 90),
  'dog/d.png': rgbPng(9, 4, 13),
  'dog/damaged.png': rgbPng(6, 5, 9).subarray(0, 40),
  'dog/notes.txt': 'not a picture',
  'dog/zero.png': '',
  'fish/e.png': rgbPng(6, 5, 17),
};

const bytes = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
const blob = (v: Uint8Array | string) => new Blob([bytes(v) as Uint8Array<ArrayBuffer>]);

async function onDisk(files: Record<string, Uint8Array | string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dataset-upload-'));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), content);
  }
  return root;
}

/** The files as a picked folder named `top` gives them (webkitRelativePath), in the browser's order (not sorted). */
function picked(top: string, files: Record<string, Uint8Array | string>): DatasetUpload {
  const paths = Object.entries(files)
    .reverse()
    .map(([rel, v]) => ({ path: `${top}/${rel}`, isDir: false, size: bytes(v).length, source: blob(v) }));
  return { kind: 'folder', name: 'dropped files', paths };
}

describe('a dataset given to the page', () => {
  it('gives the command line pack, byte for byte, from picked files and from a zip', async () => {
    const root = await onDisk(FILES);
    const fromPicked = await readUpload(picked('pets', FILES));
    // The first picture in a sorted walk is cat/b/inner.png (a folder "b" before the file "b.png"): its 3x3 is the size.
    expect(fromPicked.target).toEqual({ height: 3, width: 3, colorMode: 'rgb' });
    const cli = await decodeImageFolder(await listImageFolder(root), fromPicked.target!);
    const { pack } = fromPicked;
    expect(pack.header.name).toBe('pets');
    expect(pack.header.classNames).toEqual(['cat', 'dog', 'fish']);
    expect(pack.header.imageShape).toEqual([3, 3, 3]);
    expect(Array.from(pack.labels)).toEqual(Array.from(cli.labels));
    expect(Buffer.from(pack.images).equals(Buffer.from(cli.images))).toBe(true);
    expect(pack.header.skipped).toEqual(cli.header.skipped);
    expect(pack.header.skipped.first.map((s) => s.rel)).toEqual(['dog/notes.txt', 'dog/zero.png', 'dog/damaged.png']);
    expect(pack.header.count).toBe(5);
    expect(Array.from(pack.images.subarray(0, 27))).toEqual(Array.from({ length: 27 }, (_, i) => (i * 7 + 5) % 256)); // inner.png as it is

    const zipped = zipSync({ 'pets/': new Uint8Array(0), ...Object.fromEntries(Object.entries(FILES).map(([rel, v]) => [`pets/${rel}`, bytes(v)])), '__MACOSX/pets/._b.png': new Uint8Array(5) });
    const fromZip = await readUpload({ kind: 'file', name: 'pets.zip', file: blob(zipped) });
    expect(fromZip.pack.header.name).toBe('pets');
    expect(Buffer.from(fromZip.pack.images).equals(Buffer.from(cli.images))).toBe(true);
    expect(Array.from(fromZip.pack.labels)).toEqual(Array.from(cli.labels));
  });

  it('summarizes the split dataset: counts by class and split, up to 4 images of each class, the command line', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 10; i++) files[`a/${i}.png`] = rgbPng(2, 2, i + 1);
    for (let i = 0; i < 3; i++) files[`b/${i}.png`] = grayPng(2, 2, i * 50);
    const { pack, target } = await readUpload(picked('ab', files));
    const summary = summarizeDataset(packSplits(pack, 0.2), pack.header, target);
    expect(summary).toMatchObject({ name: 'ab', classNames: ['a', 'b'], imageShape: [2, 2, 3], trainCounts: [8, 3], testCounts: [2, 0], testSplit: 0.2 });
    expect(summary.samples.map((x) => x.label)).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(summary.samples[4].image.length).toBe(12);
    expect(summary.cliOptions).toBe('--dataset ab --image-size 2,2 --color-mode rgb --test-split 0.2');
  });

  it('takes grayscale when no class starts with a colour picture, and fits a large picture within 64 pixels', async () => {
    const gray = await readUpload(picked('g', { 'a/1.png': grayPng(128, 96, 10), 'b/1.png': grayPng(4, 4, 200) }));
    expect(gray.target).toEqual({ height: 48, width: 64, colorMode: 'grayscale' });
    expect(gray.pack.header.imageShape).toEqual([48, 64, 1]);
  });

  it('names the file or folder of what it cannot read, in one line', async () => {
    const fails = (u: DatasetUpload) => readUpload(u).then(() => 'read', (e: Error) => `${e.name}: ${e.message}`);
    expect(await fails({ kind: 'file', name: 'data.npz', file: blob('') })).toBe('DatasetUploadError: data.npz: an empty file (0 bytes)');
    expect(await fails({ kind: 'file', name: 'pets.zip', file: blob('PK but not a zip') })).toMatch(/^DatasetUploadError: pets\.zip: not a readable zip file \(.+\)$/);
    expect(await fails({ kind: 'file', name: 'photo.png', file: blob(rgbPng(2, 2, 1)) })).toBe('DatasetUploadError: photo.png: not a folder of class folders, a .zip of one or a Keras .npz file');
    expect(await fails(picked('pets', { 'cat/a.png': rgbPng(2, 2, 1), 'dog/a.txt': 'x' }))).toBe('DatasetUploadError: pets/dog: class folder dog/ holds no images (.bmp, .gif, .jpeg, .jpg, .png)');
    expect(await fails(picked('pets', { 'cat/a.png': rgbPng(2, 2, 1), 'dog/a.png': rgbPng(2, 2, 1).subarray(0, 30) }))).toMatch(/^DatasetUploadError: pets: class folder dog\/ holds no readable image \(1 file skipped .*: dog\/a\.png \(/);
    expect(await fails(picked('pets', { 'cat/a.png': rgbPng(2, 2, 1) }))).toBe('DatasetUploadError: pets: one class folder (cat/); a dataset needs a subfolder per class and at least 2 classes');
    const labelled = (y: number[]) => zipSync({ 'x_train.npy': npy('|u1', [2, 1, 1], [1, 2]), 'y_train.npy': npy('<i4', [2], y), 'x_test.npy': npy('|u1', [1, 1, 1], [3]), 'y_test.npy': npy('<i4', [1], [0]) });
    expect(await fails({ kind: 'file', name: 'data.npz', file: blob(labelled([0, 300])) })).toBe('DatasetUploadError: data.npz: y_train: label 300 at index 1 is out of range 0..255');
    expect(await fails({ kind: 'file', name: 'data.npz', file: blob(labelled([0, 1])) })).toBe('read');
    const npz = zipSync({ 'x_train.npy': new Uint8Array(3) });
    expect(await fails({ kind: 'file', name: 'data.npz', file: blob(npz) })).toMatch(/^DatasetUploadError: data\.npz: /);
  });
});
