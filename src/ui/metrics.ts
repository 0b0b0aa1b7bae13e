// Test-set results from predicted probabilities: loss, accuracy, confusion matrix, a grid of
// sample predictions and the worst mistakes. Pure, no DOM or GPU.
import type { Sample, TestResults } from './protocol.ts';

const CLASSES = 10;
const PIXELS = 28 * 28;
/** Keras clips probabilities to [eps, 1 - eps] in categorical cross-entropy. */
const EPSILON = 1e-7;

export function argmax(row: ArrayLike<number>, offset = 0, n = CLASSES): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (row[offset + c] > row[offset + best]) best = c;
  return best;
}

/**
 * `probabilities` (N, 10), `labels` (N), `images` (N, 28, 28). The sample grid is the first
 * `sampleCount` images; the worst mistakes are the `worstCount` wrong predictions with the
 * highest confidence.
 */
export function testResults(
  probabilities: Float32Array,
  labels: Uint8Array,
  images: Uint8Array,
  count: number,
  sampleCount = 40,
  worstCount = 16,
  seconds = 0,
): TestResults {
  const confusion = new Array<number>(CLASSES * CLASSES).fill(0);
  let loss = 0;
  let right = 0;
  const wrong: { index: number; confidence: number }[] = [];
  const sample = (index: number): Sample => {
    const predicted = argmax(probabilities, index * CLASSES);
    return {
      index,
      image: images.slice(index * PIXELS, (index + 1) * PIXELS),
      label: labels[index],
      predicted,
      confidence: probabilities[index * CLASSES + predicted],
    };
  };
  for (let i = 0; i < count; i++) {
    const label = labels[i];
    const p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i * CLASSES + label]));
    loss -= Math.log(p);
    const predicted = argmax(probabilities, i * CLASSES);
    confusion[label * CLASSES + predicted]++;
    if (predicted === label) right++;
    else wrong.push({ index: i, confidence: probabilities[i * CLASSES + predicted] });
  }
  wrong.sort((a, b) => b.confidence - a.confidence);
  const samples: Sample[] = [];
  for (let i = 0; i < Math.min(sampleCount, count); i++) samples.push(sample(i));
  return {
    count,
    loss: count ? loss / count : Number.NaN,
    accuracy: count ? right / count : Number.NaN,
    confusion,
    samples,
    worst: wrong.slice(0, worstCount).map((w) => sample(w.index)),
    seconds,
  };
}
