// A decoded picture before it becomes a dataset image: its size, its channels (1 gray, 2 gray
// and alpha, 3 RGB, 4 RGBA) and its bytes, row-major, channels interleaved; and the error every
// decoder raises for a file it cannot read. Browser-safe.

export type ImageChannels = 1 | 2 | 3 | 4;

export interface DecodedImage {
  width: number;
  height: number;
  channels: ImageChannels;
  /** (height, width, channels) bytes. */
  data: Uint8Array;
}

/** Most pixels a decoded picture may have (a 8192 x 8192 photo): larger ones are refused before anything is allocated. */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

/** A file that is not a picture this project decodes, or a damaged one: `problem` says why (callers add the file's name). */
export class ImageDecodeError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'ImageDecodeError';
  }
}

/** Refuses a declared size of zero, or one past MAX_IMAGE_PIXELS, before the pixels are allocated. */
export function checkImageSize(format: string, width: number, height: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ImageDecodeError(`${format} declares a size of ${width}x${height}`);
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageDecodeError(`${format} of ${width}x${height} pixels, more than the ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} this trainer decodes`);
  }
}
