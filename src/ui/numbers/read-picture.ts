// The number reader's pipeline, shared by the page and the tests: a grayscale picture
// segmented (segment.ts), every candidate digit classified in ONE batch, and the reading
// chosen from their probabilities (read-number.ts). Pure but for the classifier it is given.
import { SIDE } from '../mnist-style.ts';
import { segmentDigits, type GrayImage, type Segmentation } from '../segment.ts';
import { readNumber, type NumberReading } from './read-number.ts';

/** Classifies N 28x28 images ((N, 28, 28) bytes, MNIST polarity) in one batch; resolves to (N, classes) probabilities. */
export type BatchClassifier = (images: Uint8Array, n: number) => Promise<Float32Array>;

/** More digits than this is not a written number. */
export const MAX_DIGITS = 64;

export interface PictureReading {
  segmentation: Segmentation;
  /** null when the picture holds no digits. */
  reading: NumberReading | null;
}

/** Thrown when a picture holds too many separate marks to be a number. */
export class TooManyMarksError extends Error {}

/**
 * Reads the number in `image`. `segmented` hears the segmentation before the classifier is
 * asked (the page says "Reading…" then). Throws TooManyMarksError for a picture of more than
 * MAX_DIGITS marks, and whatever the classifier throws.
 */
export async function readPicture(image: GrayImage, classify: BatchClassifier, segmented?: (s: Segmentation) => void): Promise<PictureReading> {
  const segmentation = segmentDigits(image);
  const units = segmentation.lines.reduce((n, l) => n + l.units.length, 0);
  if (units === 0) return { segmentation, reading: null };
  if (units > MAX_DIGITS) {
    throw new TooManyMarksError(`Found ${units} separate marks: more than ${MAX_DIGITS} digits is not a number. Crop the picture to the digits.`);
  }
  segmented?.(segmentation);
  const { candidates } = segmentation;
  const images = new Uint8Array(candidates.length * SIDE * SIDE); // (N, 28, 28)
  candidates.forEach((c, i) => images.set(c.pixels, i * SIDE * SIDE));
  const probabilities = await classify(images, candidates.length);
  return { segmentation, reading: readNumber(segmentation, probabilities) };
}
