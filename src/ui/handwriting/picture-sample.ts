// An uploaded picture of one digit made into a sample's 28x28 field, the way the number
// reader makes its digits (segment.ts: paper evened out, thresholded, MNIST-style field).
import { segmentDigits, grayscaleFromRgba } from '../segment.ts';
import { drawImageFile } from '../numbers/image-source.ts';

/** The (28, 28) field of the one digit in the picture; throws a one-line error naming the file otherwise. */
export async function pictureField(file: File, canvas = document.createElement('canvas')): Promise<Uint8Array> {
  await drawImageFile(canvas, file);
  const { width, height } = canvas;
  const rgba = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, width, height).data;
  const { digits } = segmentDigits(grayscaleFromRgba(rgba, width, height));
  if (digits.length === 0) throw new Error(`${file.name}: no digit found in the picture`);
  if (digits.length > 1) throw new Error(`${file.name}: found ${digits.length} digits; upload pictures of one digit each`);
  return digits[0].pixels;
}
