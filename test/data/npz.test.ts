// Keras-layout .npz files (x_train, y_train, x_test, y_test), written here with a small .npy
// writer and fflate, stored (np.savez) and deflated (np.savez_compressed): read exactly, labels
// of any integer type and of shape (N,) or (N, 1); and every malformed file refused in one line
// naming the file and the array.
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readKerasNpz } from '../../src/data/npz.ts';
import { packSplits } from '../../src/data/image-pack.ts';
import { npy } from './npy-fixture.ts';

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const X_TRAIN = seq(6 * 2 * 3, (i) => (i * 7) % 256); // (6, 2, 3)
const X_TEST = seq(3 * 2 * 3, (i) => (i * 11) % 256); // (3, 2, 3)

function npz(arrays: Record<string, Uint8Array>, level: 0 | 6): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v])), { level });
}

const good = () => ({
  x_train: npy('|u1', [6, 2, 3], X_TRAIN),
  y_train: npy('<i8', [6, 1], [0, 1, 2, 0, 1, 2]),
  x_test: npy('|u1', [3, 2, 3], X_TEST),
  y_test: npy('>u2', [3], [2, 1, 0]),
});

describe('Keras .npz datasets', () => {
  it.each([
    ['stored', 0],
    ['deflate-compressed', 6],
  ] as const)('%s: x (N, H, W) uint8 and y of int64 (N, 1) and uint16 (N,), exactly', (_kind, level) => {
    const pack = readKerasNpz(npz(good(), level), 'd.npz', '/data/d.npz');
    expect(pack.header).toMatchObject({ name: '/data/d.npz', classNames: ['0', '1', '2'], imageShape: [2, 3, 1], count: 9, trainCount: 6 });
    expect(Array.from(pack.images)).toEqual([...X_TRAIN, ...X_TEST]);
    expect(Array.from(pack.labels)).toEqual([0, 1, 2, 0, 1, 2, 2, 1, 0]);
    const data = packSplits(pack, 0.2);
    expect([data.train.count, data.test.count]).toEqual([6, 3]);
    // The splits keep their images (interleaved): every training image is one of x_train's with its label.
    for (let i = 0; i < 6; i++) {
      const k = X_TRAIN.findIndex((_, j) => j % 6 === 0 && data.train.images.subarray(i * 6, i * 6 + 6).every((v, m) => v === X_TRAIN[j + m])) / 6;
      expect(data.train.labels[i]).toBe([0, 1, 2, 0, 1, 2][k]);
    }
  });

  it('(N, H, W, C) images with C = 3', () => {
    const arrays = { ...good(), x_train: npy('|u1', [6, 1, 2, 3], X_TRAIN), x_test: npy('|u1', [3, 1, 2, 3], X_TEST) };
    expect(readKerasNpz(npz(arrays, 0), 'd.npz', 'd').header.imageShape).toEqual([1, 2, 3]);
  });

  it.each([
    ['a label out of range', { y_train: npy('<i8', [6], [0, 1, 2, 0, -1, 2]) }, 'd.npz: y_train: label -1 at index 4 is out of range 0..255'],
    ['a label past 255', { y_test: npy('<i4', [3], [2, 300, 0]) }, 'd.npz: y_test: label 300 at index 1 is out of range 0..255'],
    ['mismatched lengths', { y_train: npy('<i8', [5], [0, 1, 2, 0, 1]) }, 'd.npz: y_train has 5 labels, x_train 6 images'],
    ['a missing array', { y_test: undefined }, 'd.npz: no array y_test (Keras\'s layout has x_train, y_train, x_test, y_test; the file holds: x_train, y_train, x_test)'],
    ['float images', { x_test: npy('<f4', [3, 2, 3], X_TEST) }, 'd.npz: x_test: dtype <f4, expected uint8 images (|u1)'],
    ['float labels', { y_test: npy('<f4', [3], [2, 1, 0]) }, 'd.npz: y_test: dtype <f4: expected integers'],
    ['Fortran order', { x_train: npy('|u1', [6, 2, 3], X_TRAIN, true) }, 'd.npz: x_train: fortran_order True: only C-order arrays are read'],
    ['a short array', { x_train: npy('|u1', [7, 2, 3], X_TRAIN) }, 'd.npz: x_train: shape (7, 2, 3) of |u1 needs 42 bytes of data, the file has 36'],
    ['other image sizes', { x_test: npy('|u1', [2, 3, 3], X_TEST) }, "d.npz: x_train's images are 2x3x1, x_test's 3x3x1"],
    ['one class', { y_train: npy('<i8', [6], [0, 0, 0, 0, 0, 0]), y_test: npy('<i4', [3], [0, 0, 0]) }, 'd.npz: every label is 0: a dataset needs at least 2 classes'],
  ] as const)('%s is refused naming the file and the array', (_name, change, message) => {
    const arrays: Record<string, Uint8Array | undefined> = { ...good(), ...change };
    const kept = Object.fromEntries(Object.entries(arrays).filter(([, v]) => v !== undefined)) as Record<string, Uint8Array>;
    expect(() => readKerasNpz(npz(kept, 6), 'd.npz', 'd')).toThrow(message);
  });

  it('a file that is not a zip, or a damaged member', () => {
    expect(() => readKerasNpz(new TextEncoder().encode('hello there, not a zip'), 'd.npz', 'd')).toThrow(/^d\.npz: not a readable \.npz file \(not a zip archive/);
    const bytes = npz(good(), 0);
    bytes[80] ^= 0xff;
    expect(() => readKerasNpz(bytes, 'd.npz', 'd')).toThrow(/^d\.npz: x_train: /);
  });
});
