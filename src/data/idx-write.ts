// Writers for the IDX files that idx.ts parses: used to store converted datasets (Fashion-MNIST)
// in the same form as the MNIST files. Pure, browser-safe.
import { IMAGE_COLS, IMAGE_HEADER_BYTES, IMAGE_MAGIC, IMAGE_PIXELS, IMAGE_ROWS, LABEL_HEADER_BYTES, LABEL_MAGIC } from './idx.ts';

/** An IDX3 image file (magic 2051, count, 28, 28, then the pixels) from (count, 28, 28) bytes. */
export function imageFileBytes(pixels: Uint8Array): Uint8Array<ArrayBuffer> {
  if (pixels.length % IMAGE_PIXELS !== 0) {
    throw new RangeError(`${pixels.length} pixel bytes are not a whole number of ${IMAGE_ROWS}x${IMAGE_COLS} images`);
  }
  const bytes = new Uint8Array(IMAGE_HEADER_BYTES + pixels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, IMAGE_MAGIC);
  view.setUint32(4, pixels.length / IMAGE_PIXELS);
  view.setUint32(8, IMAGE_ROWS);
  view.setUint32(12, IMAGE_COLS);
  bytes.set(pixels, IMAGE_HEADER_BYTES);
  return bytes;
}

/** An IDX1 label file (magic 2049, count, then the labels) from (count) label bytes. */
export function labelFileBytes(labels: Uint8Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(LABEL_HEADER_BYTES + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, LABEL_MAGIC);
  view.setUint32(4, labels.length);
  bytes.set(labels, LABEL_HEADER_BYTES);
  return bytes;
}
