// What a fine-tune on the user's handwriting did, in figures: how many of the user's
// held-back samples and of a slice of the MNIST test set a model reads right (before and after).
import type { MnistSplit } from '../../data/mnist.ts';
import { argmax } from '../metrics.ts';

/** How many of `count` images a model read right. */
export interface Score {
  correct: number;
  count: number;
}

export interface FineTuneScores {
  /** The user's held-back images (never trained on). */
  heldBack: Score;
  /** The first testCount MNIST test images. */
  mnist: Score;
}

/** Classifies `count` images ((count, H, W, C) bytes) into (count, classes) probabilities. */
export type Predict = (images: Uint8Array, count: number) => Promise<Float32Array>;

/** How many images of `split` the model labels right (none: 0 of 0, without asking it). */
export async function countCorrect(predict: Predict, split: MnistSplit, classes: number): Promise<Score> {
  if (split.count === 0) return { correct: 0, count: 0 };
  const p = await predict(split.images, split.count);
  let correct = 0;
  for (let i = 0; i < split.count; i++) if (argmax(p, i * classes, classes) === split.labels[i]) correct++;
  return { correct, count: split.count };
}

export async function scoreModel(predict: Predict, heldBack: MnistSplit, mnistTest: MnistSplit, classes: number): Promise<FineTuneScores> {
  return { heldBack: await countCorrect(predict, heldBack, classes), mnist: await countCorrect(predict, mnistTest, classes) };
}
