// The float64 reference trainer with the budget of the short GPU run in
// test/gpu/trainer.gpu.test.ts: 1 epoch over the first 6,000 training images with the Keras
// split (5,400 train, the last 600 held out), batch 128 (42 full batches and one of 24),
// Adam, dropout 0.25/0.25/0.5, glorot init, shuffled; then the 10,000 test images. It
// justifies that test's accuracy floor. Run: `npx tsx test/reference/same-budget.ts [seeds]`
// (a few minutes a seed: plain float64 loops).
import { loadMnistFromDisk } from '../../src/data/mnist-node.ts';
import { initParams } from '../../src/model/init.ts';
import { PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { Rng } from '../../src/model/rng.ts';
import { modelForward, randomMasks, trainStep } from './model.ts';
import { softmaxCrossEntropy } from './loss.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

const data = await loadMnistFromDisk();
const TRAIN = 5400;
const B = 128;
const seeds = Number(process.argv[2] ?? 3);
const pixels = (split: typeof data.train, idx: ArrayLike<number>) => {
  const x = new Float64Array(idx.length * 784);
  for (let b = 0; b < idx.length; b++) for (let i = 0; i < 784; i++) x[b * 784 + i] = split.images[idx[b] * 784 + i] / 255;
  return x;
};
for (let seed = 1; seed <= seeds; seed++) {
  const rng = new Rng(seed * 7919);
  const params = Float64Array.from(initParams(DEFAULT_MODEL.params, seed));
  const m = new Float64Array(PARAM_BUFFER_LENGTH);
  const v = new Float64Array(PARAM_BUFFER_LENGTH);
  const order = Array.from({ length: TRAIN }, (_, i) => i);
  rng.shuffle(order);
  const t0 = performance.now();
  let lossSum = 0;
  for (let first = 0, t = 1; first < TRAIN; first += B, t++) {
    const idx = order.slice(first, first + B);
    const labels = idx.map((i) => data.train.labels[i]);
    const r = trainStep(params, m, v, t, pixels(data.train, idx), labels, randomMasks(rng, idx.length));
    lossSum += r.loss * idx.length;
  }
  let testLoss = 0;
  let correct = 0;
  for (let first = 0; first < data.test.count; first += 500) {
    const idx = Array.from({ length: Math.min(500, data.test.count - first) }, (_, i) => first + i);
    const fwd = modelForward(params, pixels(data.test, idx), null);
    const ce = softmaxCrossEntropy(fwd.logits, idx.map((i) => data.test.labels[i]), idx.length, 10);
    testLoss += ce.loss * idx.length;
    correct += ce.correct;
  }
  console.log(
    `seed ${seed}: train loss ${(lossSum / TRAIN).toFixed(4)}, test loss ${(testLoss / data.test.count).toFixed(4)}, ` +
      `test accuracy ${(correct / data.test.count).toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
}
