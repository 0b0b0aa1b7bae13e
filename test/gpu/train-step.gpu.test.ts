// Whole GPU training steps (gather, forward, loss, backward, optimizer) through the Trainer
// equal the float64 reference's steps, given the same weights, batch order and the dropout
// masks the GPU's counter-based RNG produced, for 3 consecutive steps, with Adam and SGD,
// with and without a partial last batch.
import { describe, expect, it } from 'vitest';
import { initParams } from '../../src/model/init.ts';
import { PARAMS, PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { FLAT, HIDDEN, P1, C1 } from '../model/seed-architecture.ts';
import { Rng } from '../../src/model/rng.ts';
import { dropoutMask } from '../../src/layers/dropout-rng.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../src/train/types.ts';
import { modelForward, trainStep, type DropoutMasks } from '../reference/model.ts';
import { softmaxCrossEntropy } from '../reference/loss.ts';
import { identityOrder } from '../../src/train/pass.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

const SEED = 1234;
const RATES = [0.25, 0.25, 0.5] as const;

interface RunShape {
  /** Reshuffle the training order (the trainer's Rng(seed ^ 0x5eed), as the reference below replays it). */
  shuffle?: boolean;
  /** Keras validation_split: the LAST fraction of the samples validates. */
  validationSplit?: number;
}

async function compare(optimizer: 'adam' | 'sgd', count: number, batch: number, shape: RunShape = {}) {
  const data = fakeMnist(count, 10, 99);
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    epochs: 1,
    batchSize: batch,
    optimizer,
    learningRate: optimizer === 'adam' ? 0.001 : 0.05,
    momentum: 0.9,
    dropout: [...RATES],
    seed: SEED,
    validationSplit: shape.validationSplit ?? 0,
    shuffle: shape.shuffle ?? false,
  };
  const w0 = initParams(DEFAULT_MODEL.params, 7);
  const gpu = await getGpu();
  const trainer = await Trainer.create(gpu, data, options, w0);
  const events: { loss: number }[] = [];
  const history = await trainer.fit((e) => {
    if (e.type === 'epoch') events.push(e);
  });
  const wGpu = await trainer.getWeights();
  trainer.destroy();

  // Reference: Keras's split (the first floor(count * (1 - split)) samples train, the rest
  // validate), the epoch's order (shuffled by the trainer's own generator, or as stored), the
  // batches in that order, masks regenerated from (seed, step, layer).
  const trainCount = Math.floor(count * (1 - options.validationSplit));
  const order = identityOrder(trainCount);
  if (options.shuffle) new Rng(SEED ^ 0x5eed).shuffle(order);
  const params = Float64Array.from(w0);
  const m = new Float64Array(PARAM_BUFFER_LENGTH);
  const v = new Float64Array(PARAM_BUFFER_LENGTH);
  let lossSum = 0;
  for (let first = 0, t = 1; first < trainCount; first += batch, t++) {
    const n = Math.min(batch, trainCount - first);
    const images = new Float64Array(n * 784);
    const labels: number[] = [];
    for (let s = 0; s < n; s++) {
      const img = order[first + s];
      for (let i = 0; i < 784; i++) images[s * 784 + i] = data.train.images[img * 784 + i] / 255;
      labels.push(data.train.labels[img]);
    }
    const masks: DropoutMasks = {
      d1: dropoutMask(SEED, t, 1, n * P1 * P1 * C1, RATES[0]),
      d2: dropoutMask(SEED, t, 2, n * FLAT, RATES[1]),
      d3: dropoutMask(SEED, t, 3, n * HIDDEN, RATES[2]),
    };
    const opt = optimizer === 'adam' ? { lr: options.learningRate } : { kind: 'sgd' as const, lr: options.learningRate, momentum: 0.9 };
    const r = trainStep(params, m, v, t, images, labels, masks, RATES, opt);
    lossSum += r.loss * n;
  }

  // Tolerances (float32 vs float64 after 3 steps): per tensor, the update w - w0 agrees to
  // 1e-3 relative (2-norm), and no weight is off by more than 2% of one step's size.
  const stepSize = options.learningRate * (optimizer === 'adam' ? 1 : 1);
  for (const p of PARAMS) {
    let diff2 = 0;
    let upd2 = 0;
    let maxAbs = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) {
      const d = wGpu[i] - params[i];
      diff2 += d * d;
      upd2 += (params[i] - w0[i]) ** 2;
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    const rel = Math.sqrt(diff2 / Math.max(upd2, 1e-30));
    console.log(`${optimizer} B=${batch} N=${count} ${p.name}: update rel diff ${rel.toExponential(2)}, max abs ${maxAbs.toExponential(2)}`);
    expect(rel, p.name).toBeLessThan(1e-3);
    if (optimizer === 'adam') expect(maxAbs, p.name).toBeLessThan(0.02 * stepSize);
  }
  const refLoss = lossSum / trainCount;
  console.log(`${optimizer}: epoch loss gpu ${history.epochs[0].loss} ref ${refLoss}`);
  expect(Math.abs(history.epochs[0].loss - refLoss)).toBeLessThan(1e-4 * Math.max(1, refLoss));
  expect(events).toHaveLength(1);
  if (trainCount < count) {
    // Validation: the trained weights on the last samples, evaluation mode.
    const n = count - trainCount;
    const images = Float64Array.from(data.train.images.subarray(trainCount * 784, count * 784), (p) => p / 255);
    const fwd = modelForward(params, images, null);
    const ce = softmaxCrossEntropy(fwd.logits, data.train.labels.subarray(trainCount, count), n, 10);
    console.log(`validation: gpu ${history.epochs[0].val_loss} / ${history.epochs[0].val_accuracy}, ref ${ce.loss} / ${ce.correct / n}`);
    expect(Math.abs(history.epochs[0].val_loss - ce.loss)).toBeLessThan(1e-4 * Math.max(1, ce.loss));
    expect(history.epochs[0].val_accuracy).toBe(ce.correct / n);
  } else {
    expect(history.epochs[0].val_loss).toBeNaN();
  }
}

describe('whole training step on the GPU vs the float64 reference', () => {
  it('Adam, 3 steps of batch 9 with a partial last batch of 7', () => compare('adam', 25, 9));
  it('SGD with momentum, 3 full steps of batch 9', () => compare('sgd', 27, 9));
  it('Adam, batch 1 (3 steps)', () => compare('adam', 3, 1));
  it("Adam, shuffled (the trainer's epoch order), 3 steps of batch 8 and Keras's validation split of the last 20%", () =>
    compare('adam', 30, 8, { shuffle: true, validationSplit: 0.2 }));
});
