// One picture file's bytes to one dataset image: decoded (decode-image.ts), in the dataset's
// colour mode (color-mode.ts), resized to the dataset's size (resize-bilinear.ts), as Keras's
// image_dataset_from_directory does it (decode_image with the mode's channels, then
// tf.image.resize). Browser-safe.
import { COLOR_MODE_CHANNELS, toColorMode, type ColorMode } from './color-mode.ts';
import { decodeImage } from './decode-image.ts';
import type { DecodedImage } from './decoded-image.ts';
import { resizeBilinear } from './resize-bilinear.ts';

export interface ImageTarget {
  height: number;
  width: number;
  colorMode: ColorMode;
}

/** (height, width, channels) bytes of the picture in `bytes`; throws ImageDecodeError for one that cannot be read. */
export function prepareImage(bytes: Uint8Array, target: ImageTarget): Uint8Array {
  return prepareDecoded(decodeImage(bytes), target);
}

/** (height, width, channels) bytes of a decoded picture in `target`'s colour mode and size. */
export function prepareDecoded(image: DecodedImage, target: ImageTarget): Uint8Array {
  const pixels = toColorMode(image, target.colorMode);
  const channels = COLOR_MODE_CHANNELS[target.colorMode];
  return resizeBilinear(pixels, { inHeight: image.height, inWidth: image.width, channels, outHeight: target.height, outWidth: target.width });
}
