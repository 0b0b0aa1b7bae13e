// Test-set results from predicted probabilities: loss, accuracy, confusion matrix, a grid of
// sample predictions and the worst mistakes, for any number of classes and any image shape
// (the dataset's). Pure, no DOM or GPU.
import { imageBytes, type ImageShape } from '../data/image-pixels.ts';
import type { Sample, TestResults } from './protocol.ts';

/** Keras clips probabilities to [eps, 1 - eps] in categorical cross-entropy. */
const EPSILON = 1e-7;

export function argmax(row: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (row[offset + c] > row[offset + best]) best = c;
  return best;
}

/** The first `count` test images and what the model made of them. */
export interface Predictions {
  /** (count, classes) probabilities, classes = classNames.length. */
  probabilities: Float32Array;
  /** (count) labels. */
  labels: Uint8Array;
  /** (count, H, W, C) bytes. */
  images: Uint8Array;
  count: number;
  imageShape: ImageShape;
  /** The dataset's: label l means classNames[l]. */
  classNames: readonly string[];
}

/**
 * The sample grid is the first `sampleCount` images; the worst mistakes are the `worstCount`
 * wrong predictions with the highest confidence.
 */
export function testResults(p: Predictions, sampleCount = 40, worstCount = 16, seconds = 0): TestResults {
  const { probabilities, labels, images, count } = p;
  const classes = p.classNames.length;
  const pixels = imageBytes(p.imageShape);
  if (probabilities.length < count * classes) {
    throw new RangeError(`expected (${count}, ${classes}) probabilities, got ${probabilities.length} values`);
  }
  const confusion = new Array<number>(classes * classes).fill(0);
  let loss = 0;
  let right = 0;
  const wrong: { index: number; confidence: number }[] = [];
  const sample = (index: number): Sample => {
    const predicted = argmax(probabilities, index * classes, classes);
    return {
      index,
      image: images.slice(index * pixels, (index + 1) * pixels),
      label: labels[index],
      predicted,
      confidence: probabilities[index * classes + predicted],
    };
  };
  for (let i = 0; i < count; i++) {
    const label = labels[i];
    const q = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i * classes + label]));
    loss -= Math.log(q);
    const predicted = argmax(probabilities, i * classes, classes);
    confusion[label * classes + predicted]++;
    if (predicted === label) right++;
    else wrong.push({ index: i, confidence: probabilities[i * classes + predicted] });
  }
  wrong.sort((a, b) => b.confidence - a.confidence);
  const samples: Sample[] = [];
  for (let i = 0; i < Math.min(sampleCount, count); i++) samples.push(sample(i));
  return {
    count,
    loss: count ? loss / count : Number.NaN,
    accuracy: count ? right / count : Number.NaN,
    confusion,
    classNames: [...p.classNames],
    imageShape: [...p.imageShape],
    samples,
    worst: wrong.slice(0, worstCount).map((w) => sample(w.index)),
    seconds,
  };
}
