// A folder of class folders as Keras's image_dataset_from_directory reads it: class names in
// Python's sorted() order, images at any depth, pictures of mixed formats and sizes resized to
// one, a gray picture in an RGB dataset as three equal channels; files that are not pictures,
// empty or damaged listed in one line and skipped; train/ and test/ as the splits; the errors of
// an empty class folder and of a single class; the per-class test split; and the pack cache
// (made once, then loaded; made again when a file changes).
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImageFolder, listImageFolder, skippedLine } from '../../src/data/image-folder.ts';
import { packSplits } from '../../src/data/image-pack.ts';
import { preparePack } from '../../src/data/own-dataset-node.ts';
import { encodeBmp, encodePng } from './images/encode.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'image-folder-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const rgbPng = (w: number, h: number, seed: number) =>
  encodePng({ width: w, height: h, colorType: 2, depth: 8, samples: Array.from({ length: w * h * 3 }, (_, i) => (i * seed + 5) % 256) });
const grayPng = (w: number, h: number, v: number) => encodePng({ width: w, height: h, colorType: 0, depth: 8, samples: Array(w * h).fill(v) });

async function put(root: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

describe('a folder of class folders', () => {
  it('lists classes in sorted() order, decodes mixed pictures to one size, and reports skipped files in one line', async () => {
    const root = await tempDir();
    await put(root, {
      'cat/a.png': rgbPng(4, 4, 3),
      'cat/deep/b.PNG': rgbPng(7, 5, 5),
      'dog/c.bmp': encodeBmp({ width: 3, height: 2, bitsPerPixel: 24, pixels: Array.from({ length: 18 }, (_, i) => i * 10) }),
      'dog/gray.png': grayPng(4, 4, 77),
      'dog/notes.txt': 'not a picture',
      'dog/empty.png': '',
      'Zebra/broken.png': rgbPng(4, 4, 9).subarray(0, 40),
      'Zebra/z.png': rgbPng(4, 4, 11),
      'README.md': 'about the dataset',
    });
    const listing = await listImageFolder(root);
    expect(listing.classNames).toEqual(['Zebra', 'cat', 'dog']); // Python's sorted(): 'Z' < 'c'
    expect(listing.files.map((f) => f.rel)).toEqual(['Zebra/broken.png', 'Zebra/z.png', 'cat/a.png', 'cat/deep/b.PNG', 'dog/c.bmp', 'dog/gray.png']);
    const progress: number[] = [];
    const pack = await decodeImageFolder(listing, { height: 4, width: 4, colorMode: 'rgb' }, (p) => progress.push(p.done));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pack.header).toMatchObject({ classNames: ['Zebra', 'cat', 'dog'], imageShape: [4, 4, 3], count: 5, trainCount: null });
    expect(Array.from(pack.labels)).toEqual([0, 1, 1, 2, 2]);
    // A picture of the dataset's size is kept exactly; the gray one has three equal channels.
    expect(Array.from(pack.images.subarray(48, 96))).toEqual(Array.from({ length: 48 }, (_, i) => (i * 3 + 5) % 256));
    expect(Array.from(pack.images.subarray(4 * 48, 5 * 48))).toEqual(Array(48).fill(77));
    const line = skippedLine(pack.header.skipped.first, pack.header.skipped.count);
    expect(line).toMatch(/^4 files skipped \(not images, empty or unreadable\): README\.md \(not in a class folder\), dog\/empty\.png \(empty\), dog\/notes\.txt \(not an image\), and 1 more$/);
    expect(pack.header.skipped.first[3]).toMatchObject({ rel: 'Zebra/broken.png', why: expect.stringMatching(/^damaged PNG/) });
  });

  it('refuses an empty class folder, a single class, a class of damaged files, and train/ and test/ with other classes', async () => {
    const empty = await tempDir();
    await put(empty, { 'a/x.png': rgbPng(2, 2, 1), 'b/notes.txt': 'x' });
    await expect(listImageFolder(empty)).rejects.toThrow(/b: class folder b\/ holds no images \(\.bmp, \.gif, \.jpeg, \.jpg, \.png\)$/);
    const single = await tempDir();
    await put(single, { 'a/x.png': rgbPng(2, 2, 1) });
    await expect(listImageFolder(single)).rejects.toThrow(/: one class folder \(a\/\); a dataset needs a subfolder per class and at least 2 classes$/);
    const broken = await tempDir();
    await put(broken, { 'a/x.png': rgbPng(2, 2, 1), 'b/y.png': 'garbage, not a png' });
    await expect(decodeImageFolder(await listImageFolder(broken), { height: 2, width: 2, colorMode: 'rgb' })).rejects.toThrow(/class folder b\/ holds no readable image \(1 file skipped \(not images, empty or unreadable\): b\/y\.png \(not a PNG, JPEG, GIF or BMP image/);
    const splits = await tempDir();
    await put(splits, { 'train/a/x.png': rgbPng(2, 2, 1), 'train/b/x.png': rgbPng(2, 2, 2), 'test/a/x.png': rgbPng(2, 2, 3), 'test/c/x.png': rgbPng(2, 2, 4) });
    await expect(listImageFolder(splits)).rejects.toThrow(/test: its class folders differ from train\/'s \(missing b\/, extra c\/\)$/);
  });

  it('train/ and test/ give the splits; otherwise each class gives floor(n * split) test images, the same every time', async () => {
    const splits = await tempDir();
    await put(splits, { 'train/a/1.png': rgbPng(2, 2, 1), 'train/a/2.png': rgbPng(2, 2, 2), 'train/b/1.png': rgbPng(2, 2, 3), 'test/a/1.png': rgbPng(2, 2, 4), 'test/b/1.png': rgbPng(2, 2, 5) });
    const pack = await decodeImageFolder(await listImageFolder(splits), { height: 2, width: 2, colorMode: 'grayscale' });
    expect(pack.header).toMatchObject({ count: 5, trainCount: 3, imageShape: [2, 2, 1] });
    const data = packSplits(pack, 0.5);
    expect([data.train.count, data.test.count, Array.from(data.test.labels).sort()]).toEqual([3, 2, [0, 1]]);

    const pool = await tempDir();
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 10; i++) files[`a/${i}.png`] = grayPng(2, 2, i);
    for (let i = 0; i < 6; i++) files[`b/${i}.png`] = grayPng(2, 2, 100 + i);
    await put(pool, files);
    const onePool = await decodeImageFolder(await listImageFolder(pool), { height: 2, width: 2, colorMode: 'grayscale' });
    const a = packSplits(onePool, 0.2);
    const b = packSplits(onePool, 0.2);
    expect([a.train.count, a.test.count]).toEqual([13, 3]); // floor(10 * 0.2) + floor(6 * 0.2)
    expect(Array.from(a.test.labels).sort()).toEqual([0, 0, 1]);
    expect(a.test.images).toEqual(b.test.images);
    expect(() => packSplits(onePool, 0.05)).toThrow(/a test split of 0\.05 holds out no image \(the largest class has 10\); raise --test-split or add images/);
  });

  it('is packed once: a second run loads the pack; a changed file makes it again', async () => {
    const root = await tempDir();
    const cache = await tempDir();
    await put(root, { 'a/1.png': rgbPng(3, 3, 1), 'b/1.png': rgbPng(3, 3, 2) });
    const request = { path: root, kind: 'folder' as const, target: { height: 3, width: 3, colorMode: 'rgba' as const } };
    const first = await preparePack(request, {}, cache);
    const second = await preparePack(request, {}, cache);
    expect([first.built, second.built, second.file]).toEqual([true, false, first.file]);
    expect(second.pack.images).toEqual(first.pack.images);
    expect(Array.from(second.pack.images.subarray(0, 4))).toEqual([5, 6, 7, 255]); // rgba: alpha 255
    const other = await preparePack({ ...request, target: { ...request.target, colorMode: 'rgb' } }, {}, cache);
    expect([other.built, other.file === first.file]).toEqual([true, false]);
    // A damaged pack is made again, with a note.
    await writeFile(second.file, 'IMGPACK1 damaged');
    const notes: string[] = [];
    const rebuilt = await preparePack(request, { note: (l) => notes.push(l) }, cache);
    expect([rebuilt.built, rebuilt.file]).toEqual([true, first.file]);
    expect(notes).toEqual([expect.stringMatching(/^The cached pack \S+\.pack is damaged \(.+\); making it again\.$/)]);
    await utimes(join(root, 'a', '1.png'), new Date(), new Date(Date.now() + 5000));
    expect((await preparePack(request, {}, cache)).built).toBe(true);
  });
});
