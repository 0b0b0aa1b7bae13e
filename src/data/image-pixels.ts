// Reading a dataset's byte images of any (height, width, channels) for display: one channel is
// a grey level, three are RGB, four RGBA. The page's canvases (RGBA) and the terminal's
// quadrant blocks (a grey level per pixel) both read pixels through here. Pure, browser-safe.

/** (height, width, channels) of one image. */
export type ImageShape = readonly [number, number, number];

/** Bytes in one image of `shape`. */
export function imageBytes([h, w, c]: ImageShape): number {
  return h * w * c;
}

/** Refuses a shape that is not whole positive sizes with 1, 3 or 4 channels. */
export function checkDisplayShape(shape: ImageShape): void {
  const [h, w, c] = shape;
  if (![h, w].every((v) => Number.isInteger(v) && v > 0) || ![1, 3, 4].includes(c)) {
    throw new RangeError(`cannot show images of shape (${shape.join(', ')}): expected whole sizes and 1, 3 or 4 channels`);
  }
}

/**
 * Pixel `p`'s grey level 0..255 (row-major index) in an image of `channels`: the byte itself,
 * else the luma of its red, green and blue (ITU-R BT.601 weights), an RGBA pixel's weighed by
 * its alpha (transparent is black, the background of white-on-black images).
 */
export function greyAt(pixels: ArrayLike<number>, p: number, channels: number): number {
  const at = p * channels;
  if (channels === 1) return pixels[at] ?? 0;
  const luma = 0.299 * (pixels[at] ?? 0) + 0.587 * (pixels[at + 1] ?? 0) + 0.114 * (pixels[at + 2] ?? 0);
  const alpha = channels === 4 ? (pixels[at + 3] ?? 0) / 255 : 1;
  return Math.round(luma * alpha);
}

/**
 * The image as canvas RGBA bytes (height * width * 4): grey levels as grey (inverted with
 * `invertGrey`: dark ink on white), RGB opaque, RGBA as it is.
 */
export function imageRgba(pixels: ArrayLike<number>, shape: ImageShape, invertGrey = false): Uint8ClampedArray<ArrayBuffer> {
  checkDisplayShape(shape);
  const [h, w, c] = shape;
  const out = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    const at = p * c;
    if (c === 1) {
      const v = invertGrey ? 255 - (pixels[at] ?? 0) : (pixels[at] ?? 0);
      out.set([v, v, v, 255], p * 4);
    } else {
      out.set([pixels[at] ?? 0, pixels[at + 1] ?? 0, pixels[at + 2] ?? 0, c === 4 ? (pixels[at + 3] ?? 0) : 255], p * 4);
    }
  }
  return out;
}

/** A (height, width) grey image as `channels` channels: the grey level in each (an RGBA image's alpha opaque). */
export function greyToChannels(grey: Uint8Array, channels: number): Uint8Array {
  if (channels === 1) return grey;
  const out = new Uint8Array(grey.length * channels);
  for (let p = 0; p < grey.length; p++) {
    for (let k = 0; k < channels; k++) out[p * channels + k] = channels === 4 && k === 3 ? 255 : grey[p];
  }
  return out;
}
