// A dataset in Keras's .npz layout (what keras.datasets.mnist.load_data reads): the arrays
// x_train, y_train, x_test, y_test in a zip (np.savez: stored; np.savez_compressed: deflate),
// read with the project's zip reader and its caps. x is (N, H, W) or (N, H, W, C) uint8 with C
// 1, 3 or 4; y is (N,) or (N, 1) of any integer type, each label in 0..255; the classes are
// "0" .. "K-1" with K the largest label plus one. Every problem names the file and the array.
// Browser-safe.
import { FileFormatError } from '../io/file-format-error.ts';
import { formatCount, MAX_DATASET_BYTES } from '../io/load-limits.ts';
import { zipEntries, zipMember, ZipReadError, type ZipEntry } from '../io/zip-read.ts';
import { MAX_CLASSES, PACK_FORMAT, type ImagePack } from './image-pack.ts';
import { integerReader, NpyFormatError, parseNpy, type NpyArray } from './npy.ts';


export class NpzFormatError extends FileFormatError {
  constructor(fileName: string, problem: string) {
    super(`${fileName}: ${problem}`);
    this.name = 'NpzFormatError';
  }
}

const ARRAYS = ['x_train', 'y_train', 'x_test', 'y_test'] as const;
type ArrayName = (typeof ARRAYS)[number];

function readArrays(bytes: Uint8Array, fileName: string): Record<ArrayName, NpyArray> {
  let entries: ZipEntry[];
  try {
    entries = zipEntries(bytes);
  } catch (e) {
    throw e instanceof ZipReadError ? new NpzFormatError(fileName, `not a readable .npz file (${e.message})`) : e;
  }
  const out = {} as Record<ArrayName, NpyArray>;
  for (const name of ARRAYS) {
    const entry = entries.find((e) => e.name === `${name}.npy`);
    if (!entry) {
      const present = entries.map((e) => e.name.replace(/\.npy$/, ''));
      throw new NpzFormatError(fileName, `no array ${name} (Keras's layout has x_train, y_train, x_test, y_test; the file holds: ${present.length ? present.join(', ') : 'nothing'})`);
    }
    try {
      out[name] = parseNpy(zipMember(bytes, entry, MAX_DATASET_BYTES + 65536 + 16), MAX_DATASET_BYTES);
    } catch (e) {
      if (e instanceof ZipReadError || e instanceof NpyFormatError) throw new NpzFormatError(fileName, `${name}: ${e.message}`);
      throw e;
    }
  }
  return out;
}

/** (H, W, C) of an x array, checked. */
function imageShapeOf(x: NpyArray, name: string, fail: (p: string) => never): [number, number, number] {
  const { shape, dtype } = x;
  if (dtype.kind !== 'u' || dtype.size !== 1) fail(`${name}: dtype ${dtype.descr}, expected uint8 images (|u1)`);
  if (shape.length !== 3 && shape.length !== 4) fail(`${name}: shape (${shape.join(', ')}), expected (N, H, W) or (N, H, W, C)`);
  const [, h, w, c = 1] = shape;
  if (![1, 3, 4].includes(c)) fail(`${name}: ${c} channels, expected 1, 3 or 4`);
  if (h < 1 || w < 1) fail(`${name}: shape (${shape.join(', ')}) holds no pixels`);
  return [h, w, c];
}

/** The labels of a y array, checked against its x array's count. */
function labelsOf(y: NpyArray, name: string, count: number, xName: string, fail: (p: string) => never): Uint8Array {
  const { shape } = y;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) fail(`${name}: shape (${shape.join(', ')}), expected (N,) or (N, 1)`);
  if (shape[0] !== count) fail(`${name} has ${formatCount(shape[0])} labels, ${xName} ${formatCount(count)} images`);
  let read: (i: number) => number;
  try {
    read = integerReader(y);
  } catch (e) {
    return fail(`${name}: ${(e as Error).message}`);
  }
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = read(i);
    if (!(v >= 0 && v < MAX_CLASSES)) fail(`${name}: label ${v} at index ${i} is out of range 0..${MAX_CLASSES - 1}`);
    labels[i] = v;
  }
  return labels;
}

/** Reads a Keras-layout .npz file as a pack (its own train/test split); `name` is recorded as the dataset's name. */
export function readKerasNpz(bytes: Uint8Array, fileName: string, name: string): ImagePack {
  const fail = (problem: string): never => {
    throw new NpzFormatError(fileName, problem);
  };
  const a = readArrays(bytes, fileName);
  const shape = imageShapeOf(a.x_train, 'x_train', fail);
  const testShape = imageShapeOf(a.x_test, 'x_test', fail);
  if (shape.join('x') !== testShape.join('x')) fail(`x_train's images are ${shape.join('x')}, x_test's ${testShape.join('x')}`);
  const trainCount = a.x_train.shape[0];
  const testCount = a.x_test.shape[0];
  if (trainCount < 1) fail('x_train holds no image');
  if (testCount < 1) fail('x_test holds no image');
  const trainLabels = labelsOf(a.y_train, 'y_train', trainCount, 'x_train', fail);
  const testLabels = labelsOf(a.y_test, 'y_test', testCount, 'x_test', fail);
  let classes = 0;
  for (const l of trainLabels) classes = Math.max(classes, l + 1);
  for (const l of testLabels) classes = Math.max(classes, l + 1);
  if (classes < 2) fail('every label is 0: a dataset needs at least 2 classes');
  const images = new Uint8Array(a.x_train.data.length + a.x_test.data.length);
  images.set(a.x_train.data, 0);
  images.set(a.x_test.data, a.x_train.data.length);
  const labels = new Uint8Array(trainCount + testCount);
  labels.set(trainLabels, 0);
  labels.set(testLabels, trainCount);
  return {
    header: { format: PACK_FORMAT, name, classNames: Array.from({ length: classes }, (_, c) => String(c)), imageShape: shape, count: trainCount + testCount, trainCount, skipped: { count: 0, first: [] } },
    images,
    labels,
  };
}
