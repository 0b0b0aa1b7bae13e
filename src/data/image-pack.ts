// The packed form of a user's dataset: every image decoded, converted and resized once, as
// (N, H, W, C) bytes with one label byte each, so that later runs load it at once (the
// command line keeps it in its cache folder; the headless page fetches it). Layout:
//   "IMGPACK1" | u32 header bytes (little-endian) | header JSON, padded with spaces to a
//   multiple of 4 | images (N * H * W * C bytes) | labels (N bytes)
// The header: { format, name, classNames, imageShape, count, trainCount, skipped }; trainCount null for
// one pool per class (split by packSplits), else the first trainCount images are the training
// split and the rest the test split. Browser-safe.
import { FileFormatError } from '../io/file-format-error.ts';
import { JsonContentError, parseJsonContent } from '../io/json-content.ts';
import { interleaveSplits, splitClasses, type ClassImages } from './class-split.ts';
import { parseDatasetDescription, type ImageDataset, type ImageShape } from './image-dataset.ts';

const MAGIC = 'IMGPACK1';
const PREFIX_BYTES = MAGIC.length + 4;
/** Bump when the layout or the decoding of the pictures changes: older packs are then made again. */
export const PACK_FORMAT = 1;
/** Labels are one byte each. */
export const MAX_CLASSES = 256;
/** Seed of the per-class split and of the interleaving (class-split.ts): fixed, so every run and evaluation of a dataset sees the same test images. */
export const SPLIT_SEED = 13;

export interface PackHeader {
  format: number;
  /** The folder's or .npz file's absolute path. */
  name: string;
  classNames: string[];
  imageShape: ImageShape;
  count: number;
  /** null: one pool per class; else images [0, trainCount) train and the rest test. */
  trainCount: number | null;
  /** Files of the folder left out (not pictures, empty, unreadable): how many, and the first few. */
  skipped: { count: number; first: { rel: string; why: string }[] };
}

export interface ImagePack {
  header: PackHeader;
  /** (count, H, W, C) bytes. */
  images: Uint8Array;
  /** (count) labels < classNames.length. */
  labels: Uint8Array;
}

export class PackFormatError extends FileFormatError {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'PackFormatError';
  }
}

const imageBytes = (h: Pick<PackHeader, 'imageShape'>) => h.imageShape[0] * h.imageShape[1] * h.imageShape[2];

export function encodePack(pack: ImagePack): Uint8Array {
  let json = JSON.stringify(pack.header);
  const encoder = new TextEncoder();
  json += ' '.repeat((4 - (encoder.encode(json).length % 4)) % 4);
  const header = encoder.encode(json);
  const out = new Uint8Array(PREFIX_BYTES + header.length + pack.images.length + pack.labels.length);
  out.set(encoder.encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, PREFIX_BYTES);
  out.set(pack.images, PREFIX_BYTES + header.length);
  out.set(pack.labels, PREFIX_BYTES + header.length + pack.images.length);
  return out;
}

function checkedHeader(raw: unknown, fail: (problem: string) => never): PackHeader {
  const h = raw as Partial<PackHeader> | null;
  if (typeof h !== 'object' || h === null || h.format !== PACK_FORMAT) fail(`not a pack of format ${PACK_FORMAT}`);
  const description = parseDatasetDescription({ ...h, scaling: 'none' });
  if (!description) fail('bad header (name, classNames or imageShape)');
  if (description.classNames.length > MAX_CLASSES) fail(`${description.classNames.length} classes, more than ${MAX_CLASSES}`);
  const { count, trainCount } = h;
  if (!Number.isSafeInteger(count) || count! < 1) fail(`bad image count ${JSON.stringify(count)}`);
  if (trainCount !== null && !(Number.isSafeInteger(trainCount) && trainCount! >= 1 && trainCount! < count!)) fail(`bad training count ${JSON.stringify(trainCount)}`);
  const skipped = h.skipped;
  const fine = (s: unknown) => typeof s === 'object' && s !== null && typeof (s as { rel: unknown }).rel === 'string' && typeof (s as { why: unknown }).why === 'string';
  if (!skipped || !Number.isSafeInteger(skipped.count) || !Array.isArray(skipped.first) || !skipped.first.every(fine)) fail('bad header (skipped files)');
  return { format: PACK_FORMAT, name: description.name, classNames: [...description.classNames], imageShape: description.imageShape, count: count!, trainCount: trainCount ?? null, skipped: skipped! };
}

/** Reads a pack, checking its header, its length and its labels; throws PackFormatError naming `source`. */
export function decodePack(bytes: Uint8Array, source: string): ImagePack {
  const fail = (problem: string): never => {
    throw new PackFormatError(source, problem);
  };
  if (bytes.length < PREFIX_BYTES || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) fail('not an image pack of this trainer');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  if (PREFIX_BYTES + headerLength > bytes.length) fail('truncated header');
  let raw: unknown;
  try {
    raw = parseJsonContent(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  } catch (e) {
    if (e instanceof JsonContentError) fail(`bad header: ${e.message}`);
    throw e;
  }
  const header = checkedHeader(raw, fail);
  const start = PREFIX_BYTES + headerLength;
  const pixels = header.count * imageBytes(header);
  if (bytes.length !== start + pixels + header.count) fail(`${bytes.length} bytes, its header describes ${start + pixels + header.count}`);
  const images = bytes.subarray(start, start + pixels);
  const labels = bytes.subarray(start + pixels);
  const classes = header.classNames.length;
  const bad = labels.findIndex((l) => l >= classes);
  if (bad >= 0) fail(`label ${labels[bad]} of image ${bad} is not one of the ${classes} classes`);
  return { header, images, labels };
}

/** Each class's image numbers among images [from, to) of the pack. */
function classImages(pack: ImagePack, from: number, to: number): ClassImages[] {
  const lists: number[][] = pack.header.classNames.map(() => []);
  for (let i = from; i < to; i++) lists[pack.labels[i]].push(i);
  return lists.map((indices) => ({ source: pack.images, indices }));
}

/**
 * The training and test splits of a pack: its own (trainCount), or `testSplit` of each class's
 * images held out (floor(n * testSplit) of a class of n), by the fixed SPLIT_SEED; both
 * interleaved (class-split.ts). Throws RangeError when the test split would be empty.
 */
export function packSplits(pack: ImagePack, testSplit: number): ImageDataset {
  const { header } = pack;
  const bytes = imageBytes(header);
  let data;
  if (header.trainCount !== null) {
    data = interleaveSplits(classImages(pack, 0, header.trainCount), classImages(pack, header.trainCount, header.count), SPLIT_SEED, bytes);
  } else {
    if (!(testSplit > 0 && testSplit < 1)) throw new RangeError(`test split ${testSplit}: expected a fraction in (0, 1)`);
    data = splitClasses(classImages(pack, 0, header.count), SPLIT_SEED, (n) => Math.floor(n * testSplit), bytes);
    if (data.test.count === 0) {
      throw new RangeError(`${header.name}: a test split of ${testSplit} holds out no image (the largest class has ${Math.max(...classImages(pack, 0, header.count).map((c) => c.indices.length))}); raise --test-split or add images`);
    }
  }
  const split = header.trainCount === null ? { testSplit } : {};
  return { ...data, name: header.name, classNames: header.classNames, imageShape: header.imageShape, scaling: 'none', ...split };
}
