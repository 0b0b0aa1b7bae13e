// IDX parsing: valid crafted files parse; each kind of broken file gives its specific error.
import { describe, expect, it } from 'vitest';
import { MnistFormatError, pairImagesLabels, parseImages, parseLabels } from '../../src/data/idx.ts';
import { imageFile, labelFile } from './idx-fixtures.ts';

const IMAGES = 't10k-images-idx3-ubyte';
const LABELS = 't10k-labels-idx1-ubyte';

/** Runs `fn`, expects a MnistFormatError, and returns its message. */
function formatError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MnistFormatError);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe('MnistFormatError');
    return (e as Error).message;
  }
  throw new Error('expected a MnistFormatError, nothing was thrown');
}

describe('parseImages', () => {
  it('parses a valid file into (count, 28, 28) pixels', () => {
    const images = parseImages(imageFile(3), IMAGES);
    expect(images.count).toBe(3);
    expect(images.rows).toBe(28);
    expect(images.cols).toBe(28);
    expect(images.pixels.length).toBe(3 * 784);
    expect(images.pixels[0]).toBe(0);
    expect(images.pixels[300]).toBe(300 % 256);
  });

  it('accepts a zero-image file', () => {
    expect(parseImages(imageFile(0), IMAGES).count).toBe(0);
  });

  it('works on a view that does not start at offset 0', () => {
    const file = imageFile(2);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 5);
    const images = parseImages(padded.subarray(5), IMAGES);
    expect(images.count).toBe(2);
    expect(images.pixels[1]).toBe(1);
  });

  it('rejects a truncated header', () => {
    const msg = formatError(() => parseImages(imageFile(1).subarray(0, 10), IMAGES));
    expect(msg).toBe(`${IMAGES}: truncated header: file is 10 bytes, an IDX image header is 16`);
  });

  it('rejects an empty file as a truncated header', () => {
    expect(formatError(() => parseImages(new Uint8Array(0), IMAGES))).toContain('truncated header: file is 0 bytes');
  });

  it('rejects a bad magic number, naming the label-file mixup', () => {
    const msg = formatError(() => parseImages(imageFile(1, { magic: 2049 }), IMAGES));
    expect(msg).toContain(`${IMAGES}: bad magic number 2049, expected 2051 (an IDX image file)`);
    expect(msg).toContain('this is an IDX label file');
  });

  it('recognises a gzip-compressed file', () => {
    const gz = imageFile(1);
    gz.set([0x1f, 0x8b, 0x08, 0x00]);
    const msg = formatError(() => parseImages(gz, IMAGES));
    expect(msg).toContain('bad magic number');
    expect(msg).toContain('gzip');
  });

  it('recognises an HTML page served instead of the file', () => {
    const html = new TextEncoder().encode('<!doctype html><html><body>index</body></html>');
    const msg = formatError(() => parseImages(html, IMAGES));
    expect(msg).toContain('bad magic number');
    expect(msg).toContain('HTML');
  });

  it('rejects images that are not 28x28', () => {
    const msg = formatError(() => parseImages(imageFile(2, { rows: 32, cols: 32 }), IMAGES));
    expect(msg).toBe(`${IMAGES}: images are 32x32, expected 28x28`);
    expect(formatError(() => parseImages(imageFile(2, { rows: 28, cols: 27 }), IMAGES))).toContain('28x27');
  });

  it('rejects a truncated file whose length disagrees with the header', () => {
    const msg = formatError(() => parseImages(imageFile(10000, { dataBytes: 1000 - 16 }), IMAGES));
    expect(msg).toBe(`${IMAGES}: file is 1000 bytes, header says 10000 images of 28x28 need 7840016`);
  });

  it('rejects trailing bytes after the last image', () => {
    const msg = formatError(() => parseImages(imageFile(2, { dataBytes: 2 * 784 + 1 }), IMAGES));
    expect(msg).toBe(`${IMAGES}: file is 1585 bytes, header says 2 images of 28x28 need 1584`);
  });
});

describe('parseLabels', () => {
  it('parses a valid file', () => {
    expect([...parseLabels(labelFile([7, 2, 1, 0, 9]), LABELS)]).toEqual([7, 2, 1, 0, 9]);
  });

  it('rejects a truncated header', () => {
    const msg = formatError(() => parseLabels(labelFile([1, 2]).subarray(0, 6), LABELS));
    expect(msg).toBe(`${LABELS}: truncated header: file is 6 bytes, an IDX label header is 8`);
  });

  it('rejects a bad magic number, naming the image-file mixup', () => {
    const msg = formatError(() => parseLabels(imageFile(1), LABELS));
    expect(msg).toContain(`${LABELS}: bad magic number 2051, expected 2049 (an IDX label file)`);
    expect(msg).toContain('this is an IDX image file');
  });

  it('rejects an arbitrary bad magic number', () => {
    const msg = formatError(() => parseLabels(labelFile([1], { magic: 0x12345678 }), LABELS));
    expect(msg).toBe(`${LABELS}: bad magic number 305419896, expected 2049 (an IDX label file)`);
  });

  it('rejects a truncated file', () => {
    const msg = formatError(() => parseLabels(labelFile([1, 2, 3], { headerCount: 10000 }), LABELS));
    expect(msg).toBe(`${LABELS}: file is 11 bytes, header says 10000 labels need 10008`);
  });

  it('rejects a label of 10, reporting the first bad index and value', () => {
    const msg = formatError(() => parseLabels(labelFile([0, 9, 3, 10, 4, 200]), LABELS));
    expect(msg).toBe(`${LABELS}: label 10 at index 3 is out of range 0..9`);
  });

  it('rejects a label of 255', () => {
    expect(formatError(() => parseLabels(labelFile([255]), LABELS))).toContain('label 255 at index 0');
  });
});

describe('pairImagesLabels', () => {
  it('pairs files with matching counts into a split', () => {
    const split = pairImagesLabels(parseImages(imageFile(3), IMAGES), parseLabels(labelFile([1, 2, 3]), LABELS), IMAGES, LABELS);
    expect(split.count).toBe(3);
    expect(split.images.length).toBe(3 * 28 * 28);
    expect([...split.labels]).toEqual([1, 2, 3]);
  });

  it('rejects mismatched counts, naming both files', () => {
    const msg = formatError(() =>
      pairImagesLabels(parseImages(imageFile(3), IMAGES), parseLabels(labelFile([1, 2]), LABELS), IMAGES, LABELS),
    );
    expect(msg).toContain(`${IMAGES} has 3 images but ${LABELS} has 2 labels`);
  });
});
