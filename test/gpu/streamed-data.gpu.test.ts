// A training set or test set larger than the adapter's largest storage buffer binding is
// streamed through a window of whole batches (src/train/dataset-gpu.ts). Forced here with a
// small window: the streamed run ends with the same parameter bits and epoch metrics as the
// resident one (shuffled epochs, a validation split, a partial last batch, Adam), and its test
// evaluation agrees; a training batch larger than the window is refused in one line.
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type EpochRecord, type TrainOptions } from '../../src/train/types.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';

const data = fakeMnist(70, 90, 11);
const PIXELS = 28 * 28;
// 70 images: 63 train in 4 batches of 16 (the last one 15), 7 validate; a window of 40
// images holds 2 training batches, so each epoch loads 2 windows, in its shuffled order.
const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs: 2, batchSize: 16, limit: 70, seed: 3, shuffle: true };

const withoutTime = (r: EpochRecord) => ({ ...r, seconds: 0 });

describe('streamed datasets', () => {
  it('train and evaluate as the resident data do, bit for bit', async () => {
    const gpu = await getGpu();
    const run = async (residentBytes?: number) => {
      const trainer = await Trainer.create(gpu, data, options, undefined, { residentBytes });
      const history = await trainer.fit();
      const weights = await trainer.getWeights();
      const test = await trainer.evaluate();
      trainer.destroy();
      return { history, weights, test };
    };
    const resident = await run();
    const streamed = await run(40 * PIXELS);
    expect(streamed.history.epochs.map(withoutTime)).toEqual(resident.history.epochs.map(withoutTime));
    const a = new Uint32Array(resident.weights.buffer);
    const b = new Uint32Array(streamed.weights.buffer);
    expect(b.findIndex((v, i) => v !== a[i])).toBe(-1);
    // The test set streams too (90 images, evaluation batches of 40 instead of one of 90).
    expect(streamed.test.count).toBe(90);
    expect(streamed.test.accuracy).toBe(resident.test.accuracy);
    expect(streamed.test.loss).toBeCloseTo(resident.test.loss, 5);
  });

  it('refuses a training batch larger than the window', async () => {
    const gpu = await getGpu();
    await expect(Trainer.create(gpu, data, options, undefined, { residentBytes: 10 * PIXELS })).rejects.toThrow(
      'train: a batch of 16 images does not fit the 10 this adapter\'s largest storage buffer binding holds; use a batch size of at most 10',
    );
  });
});
