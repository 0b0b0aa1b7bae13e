// The user's handwriting samples: digits drawn (or uploaded) on the page, each kept as the
// 28x28 grey field the draw pad's prediction would classify. A fixed, seeded part of them is
// held back: never trained on, only scored. Which one is decided by a sample's place among its
// digit's samples (its ordinal), so adding or deleting others never moves a sample between
// the trained and the held-back part. Pure, no DOM.
import type { MnistSplit } from '../../data/mnist.ts';
import { greyToChannels } from '../../data/image-pixels.ts';
import { DIGITS } from '../mnist-style.ts';

export interface HandwritingSample {
  /** Unique within the set. */
  id: string;
  /** 0..9. */
  digit: number;
  /** 1 for the first sample of its digit, 2 for the second, ...; never reused while a later one exists. */
  ordinal: number;
  /** (28, 28) grey bytes, MNIST polarity (ink 255 on 0). */
  image: Uint8Array;
}

/** Samples of each digit asked for before fine-tuning is offered. */
export const MIN_PER_DIGIT = 3;
/** Seeds which place in each group of four samples of a digit is held back. */
export const HOLD_BACK_SEED = 0x5eed;

/** A 32-bit mix of a few integers (seeded placement, not cryptographic). */
function hash(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 13;
  }
  return Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
}

/**
 * Whether the sample of `digit` with this ordinal is held back: in each group of four
 * consecutive ordinals of a digit (1-4, 5-8, ...) one is, its place among the group's first
 * three chosen by a seeded hash of the digit and the group. So 25% are held back, and one of
 * each digit's first three.
 */
export function isHeldBack(digit: number, ordinal: number, seed = HOLD_BACK_SEED): boolean {
  const group = Math.floor((ordinal - 1) / 4);
  return (ordinal - 1) % 4 === hash(seed, digit, group) % 3;
}

/** The ordinal a new sample of `digit` gets: one past the largest its digit has. */
export function nextOrdinal(samples: readonly HandwritingSample[], digit: number): number {
  return samples.reduce((m, s) => (s.digit === digit ? Math.max(m, s.ordinal) : m), 0) + 1;
}

/** How many samples each digit has. */
export function countsPerDigit(samples: readonly HandwritingSample[]): number[] {
  const counts = new Array<number>(DIGITS).fill(0);
  for (const s of samples) counts[s.digit]++;
  return counts;
}

/** The digit to ask for next: the one with the fewest samples (the lowest of equals). */
export function promptDigit(samples: readonly HandwritingSample[]): number {
  const counts = countsPerDigit(samples);
  return counts.indexOf(Math.min(...counts));
}

/** The digits with fewer than MIN_PER_DIGIT samples. */
export function digitsShort(samples: readonly HandwritingSample[]): number[] {
  return countsPerDigit(samples).flatMap((n, d) => (n < MIN_PER_DIGIT ? [d] : []));
}

/** Stacks the samples' fields into a split, each field given `channels` channels (the model's). */
export function samplesSplit(samples: readonly HandwritingSample[], channels = 1): MnistSplit {
  const size = samples[0]?.image.length ?? 0;
  const images = new Uint8Array(samples.length * size * channels);
  samples.forEach((s, i) => images.set(greyToChannels(s.image, channels), i * size * channels));
  return { images, labels: Uint8Array.from(samples, (s) => s.digit), count: samples.length };
}

/** The samples trained on and those held back. */
export function splitSamples(samples: readonly HandwritingSample[], seed = HOLD_BACK_SEED): { train: HandwritingSample[]; heldBack: HandwritingSample[] } {
  const heldBack = samples.filter((s) => isHeldBack(s.digit, s.ordinal, seed));
  return { train: samples.filter((s) => !heldBack.includes(s)), heldBack };
}
