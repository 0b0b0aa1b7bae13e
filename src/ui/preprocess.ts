// Turns a hand-drawn digit into an MNIST-like image, the way the MNIST digits were made: crop
// to the ink's bounding box, then scale and centre it (mnist-style.ts: longer side to 20 px,
// centre of mass at the centre of 28x28, or the same in proportion in a field of the model's
// size). Pure, no DOM.
import { MNIST_FIELD, toMnistField, type FieldSize } from './mnist-style.ts';

export { FIT, SIDE } from './mnist-style.ts';

/**
 * `ink` holds width*height intensities (0 = background, 255 = full ink), e.g. a canvas's
 * alpha channel picked out of its RGBA data. Returns the field's bytes (28x28 unless `field`
 * says otherwise; row-major, max value 255), or null when there is no ink above `threshold`.
 */
export function preprocessDigit(ink: ArrayLike<number>, width: number, height: number, threshold = 8, field: FieldSize = MNIST_FIELD): Uint8Array | null {
  if (ink.length < width * height) throw new RangeError(`expected ${width * height} pixels, got ${ink.length}`);
  // bounding box of the ink
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const crop = new Float64Array(w * h); // (h, w)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) crop[y * w + x] = ink[(y0 + y) * width + x0 + x];
  return toMnistField(crop, w, h, field);
}

/** The alpha channel of RGBA pixel data (a canvas's ImageData.data). */
export function alphaChannel(rgba: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4 + 3];
  return out;
}
