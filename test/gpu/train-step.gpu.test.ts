// Whole GPU training steps (gather, forward, loss, backward, optimizer) through the Trainer
// equal the float64 reference's steps, given the same weights, batch order and the dropout
// masks the GPU's counter-based RNG produced, for 3 consecutive steps, with Adam and SGD,
// with and without a partial last batch.
import { describe, expect, it } from 'vitest';
import { initParams } from '../../src/model/init.ts';
import { PARAMS, PARAM_BUFFER_LENGTH } from '../../src/model/params.ts';
import { FLAT, HIDDEN, P1, C1 } from '../../src/model/architecture.ts';
import { Rng } from '../../src/model/rng.ts';
import { dropoutMask } from '../../src/layers/dropout-rng.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../src/train/types.ts';
import { trainStep, type DropoutMasks } from '../reference/model.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';

const SEED = 1234;
const RATES = [0.25, 0.25, 0.5] as const;

async function compare(optimizer: 'adam' | 'sgd', count: number, batch: number) {
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
    validationSplit: 0,
    shuffle: false,
  };
  const w0 = initParams(7);
  const gpu = await getGpu();
  const trainer = await Trainer.create(gpu, data, options, w0);
  const events: { loss: number }[] = [];
  const history = await trainer.fit((e) => {
    if (e.type === 'epoch') events.push(e);
  });
  const wGpu = await trainer.getWeights();
  trainer.destroy();

  // Reference: the same batches in order, masks regenerated from (seed, step, layer).
  const params = Float64Array.from(w0);
  const m = new Float64Array(PARAM_BUFFER_LENGTH);
  const v = new Float64Array(PARAM_BUFFER_LENGTH);
  let lossSum = 0;
  for (let first = 0, t = 1; first < count; first += batch, t++) {
    const n = Math.min(batch, count - first);
    const images = new Float64Array(n * 784);
    for (let i = 0; i < n * 784; i++) images[i] = data.train.images[first * 784 + i] / 255;
    const labels = Array.from(data.train.labels.subarray(first, first + n));
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
  const refLoss = lossSum / count;
  console.log(`${optimizer}: epoch loss gpu ${history.epochs[0].loss} ref ${refLoss}`);
  expect(Math.abs(history.epochs[0].loss - refLoss)).toBeLessThan(1e-4 * Math.max(1, refLoss));
  expect(events).toHaveLength(1);
}

describe('whole training step on the GPU vs the float64 reference', () => {
  it('Adam, 3 steps of batch 9 with a partial last batch of 7', () => compare('adam', 25, 9));
  it('SGD with momentum, 3 full steps of batch 9', () => compare('sgd', 27, 9));
  it('Adam, batch 1 (3 steps)', () => compare('adam', 3, 1));
});
