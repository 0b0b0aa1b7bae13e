// Pure parsing and validation of MNIST IDX files (big-endian headers, unsigned-byte data).
// No I/O here: callers hand in the file's bytes and its name, which every error message names.
import type { MnistSplit } from './mnist.ts';
import { FileFormatError } from '../io/file-format-error.ts';
import { formatCount, MAX_IDX_BYTES } from '../io/load-limits.ts';

export const IMAGE_MAGIC = 2051; // 0x00000803: unsigned bytes, 3 dimensions (count, rows, cols)
export const LABEL_MAGIC = 2049; // 0x00000801: unsigned bytes, 1 dimension (count)
export const IMAGE_HEADER_BYTES = 16; // magic, count, rows, cols: four u32 big-endian
export const LABEL_HEADER_BYTES = 8; // magic, count: two u32 big-endian
export const IMAGE_ROWS = 28;
export const IMAGE_COLS = 28;
export const IMAGE_PIXELS = IMAGE_ROWS * IMAGE_COLS; // 784 bytes per image
export const NUM_CLASSES = 10;

/** A malformed MNIST file. The message is `<file name>: <what is wrong>`. */
export class MnistFormatError extends FileFormatError {
  /** The file (or, for a pairing error, both files) the problem is in. */
  readonly fileName: string;
  constructor(fileName: string, problem: string) {
    super(`${fileName}: ${problem}`);
    this.name = 'MnistFormatError';
    this.fileName = fileName;
  }
}

/** B is the file's buffer type; ArrayBuffer (not shared) is what GPU uploads and fetch bodies accept. */
export interface IdxImages<B extends ArrayBufferLike = ArrayBufferLike> {
  count: number;
  rows: number;
  cols: number;
  /** (count, rows, cols) bytes 0..255, row-major; a view into the file's bytes (no copy). */
  pixels: Uint8Array<B>;
}

/** Parses an IDX3 image file (magic 2051) of 28x28 images. */
export function parseImages<B extends ArrayBufferLike>(bytes: Uint8Array<B>, fileName: string): IdxImages<B> {
  if (bytes.byteLength < IMAGE_HEADER_BYTES) {
    throw new MnistFormatError(
      fileName,
      `truncated header: file is ${bytes.byteLength} bytes, an IDX image header is ${IMAGE_HEADER_BYTES}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkMagic(bytes, view.getUint32(0), IMAGE_MAGIC, fileName);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (rows !== IMAGE_ROWS || cols !== IMAGE_COLS) {
    throw new MnistFormatError(fileName, `images are ${rows}x${cols}, expected ${IMAGE_ROWS}x${IMAGE_COLS}`);
  }
  const expected = IMAGE_HEADER_BYTES + count * IMAGE_PIXELS;
  checkCap(expected, `${formatCount(count)} images`, fileName);
  if (bytes.byteLength !== expected) {
    throw new MnistFormatError(
      fileName,
      `file is ${bytes.byteLength} bytes, header says ${count} images of ${rows}x${cols} need ${expected}`,
    );
  }
  return { count, rows, cols, pixels: bytes.subarray(IMAGE_HEADER_BYTES) };
}

/** Parses an IDX1 label file (magic 2049); returns (count) labels, each 0..9, as a view (no copy). */
export function parseLabels<B extends ArrayBufferLike>(bytes: Uint8Array<B>, fileName: string): Uint8Array<B> {
  if (bytes.byteLength < LABEL_HEADER_BYTES) {
    throw new MnistFormatError(
      fileName,
      `truncated header: file is ${bytes.byteLength} bytes, an IDX label header is ${LABEL_HEADER_BYTES}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkMagic(bytes, view.getUint32(0), LABEL_MAGIC, fileName);
  const count = view.getUint32(4);
  const expected = LABEL_HEADER_BYTES + count;
  checkCap(expected, `${formatCount(count)} labels`, fileName);
  if (bytes.byteLength !== expected) {
    throw new MnistFormatError(fileName, `file is ${bytes.byteLength} bytes, header says ${count} labels need ${expected}`);
  }
  const labels = bytes.subarray(LABEL_HEADER_BYTES); // (count)
  for (let i = 0; i < count; i++) {
    if (labels[i] >= NUM_CLASSES) {
      throw new MnistFormatError(
        fileName,
        `label ${labels[i]} at index ${i} is out of range 0..${NUM_CLASSES - 1}`,
      );
    }
  }
  return labels;
}

/** Joins an image file and a label file into one split, checking they hold the same number of examples. */
export function pairImagesLabels(
  images: IdxImages<ArrayBuffer>,
  labels: Uint8Array<ArrayBuffer>,
  imagesName: string,
  labelsName: string,
): MnistSplit {
  if (images.count !== labels.length) {
    throw new MnistFormatError(
      `${imagesName} + ${labelsName}`,
      `${imagesName} has ${images.count} images but ${labelsName} has ${labels.length} labels`,
    );
  }
  return { images: images.pixels, labels, count: images.count };
}

/** Refuses a header declaring more data than an IDX file may hold (whatever the file's length). */
function checkCap(bytes: number, what: string, fileName: string): void {
  if (bytes > MAX_IDX_BYTES) {
    throw new MnistFormatError(fileName, `header says ${what} (${formatCount(bytes)} bytes), more than the ${formatCount(MAX_IDX_BYTES)} an IDX file may have`);
  }
}

function checkMagic(bytes: Uint8Array, magic: number, expected: number, fileName: string): void {
  if (magic === expected) return;
  const kind = expected === IMAGE_MAGIC ? 'an IDX image file' : 'an IDX label file';
  let hint = '';
  if (magic === LABEL_MAGIC) hint = '; this is an IDX label file';
  else if (magic === IMAGE_MAGIC) hint = '; this is an IDX image file';
  else if (bytes[0] === 0x1f && bytes[1] === 0x8b) hint = '; this looks gzip-compressed, decompress it first';
  else if (bytes[0] === 0x3c /* '<' */) hint = '; this looks like HTML or XML text, not an IDX file';
  throw new MnistFormatError(fileName, `bad magic number ${magic}, expected ${expected} (${kind})${hint}`);
}
