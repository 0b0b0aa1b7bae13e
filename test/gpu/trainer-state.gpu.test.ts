// Trainer.exportState / importState: a run stopped after an epoch and continued in a new
// Trainer from the exported state ends with the same parameter bits, optimizer moments and
// epoch metrics as a run that never stopped (Adam and SGD with momentum, shuffling, dropout, a
// partial last batch); a diverging run stops with NonFiniteError naming the epoch and step.
import { describe, expect, it } from 'vitest';
import { NonFiniteError, Trainer, type TrainerState } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type EpochRecord, type TrainOptions } from '../../src/train/types.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';

const data = fakeMnist(70, 500, 7);
// 70 images: 63 train in 4 batches of 16 (the last one 15), 7 validate.
const base: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs: 3, batchSize: 16, limit: 70, seed: 5 };

function bits(a: Float32Array | null): Uint32Array | null {
  return a && new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Index of the first differing bit pattern, or 'identical'. */
function sameBits(a: Float32Array | null, b: Float32Array | null): string {
  const x = bits(a);
  const y = bits(b);
  if (x === null || y === null) return x === y ? 'identical' : 'one is null';
  if (x.length !== y.length) return `lengths ${x.length} and ${y.length}`;
  const i = x.findIndex((v, k) => v !== y[k]);
  return i === -1 ? 'identical' : `first difference at ${i}`;
}

const withoutTime = (r: EpochRecord) => ({ ...r, seconds: 0 });

describe('Trainer state export and import', () => {
  it.each(['adam', 'sgd'] as const)('%s: stopping after epoch 1 and resuming gives the uninterrupted run bit for bit', async (optimizer) => {
    const gpu = await getGpu();
    const options = { ...base, optimizer, learningRate: optimizer === 'sgd' ? 0.05 : 0.002 };

    const straight = await Trainer.create(gpu, data, options);
    const straightHistory = await straight.fit();
    const expected = await straight.exportState();
    straight.destroy();

    const first = await Trainer.create(gpu, data, { ...options, epochs: 1 });
    const firstHistory = await first.fit();
    const saved: TrainerState = await first.exportState();
    first.destroy();
    expect(saved.epoch).toBe(1);
    expect(saved.step).toBe(4);
    expect(saved.moment2 === null).toBe(optimizer === 'sgd');

    const resumed = await Trainer.create(gpu, data, options);
    resumed.importState(saved);
    expect(resumed.epochsFinished).toBe(1);
    const laterHistory = await resumed.fit();
    const got = await resumed.exportState();
    resumed.destroy();

    expect(laterHistory.epochs).toHaveLength(2);
    expect([...firstHistory.epochs, ...laterHistory.epochs].map(withoutTime)).toEqual(straightHistory.epochs.map(withoutTime));
    expect(got.epoch).toBe(3);
    expect(got.step).toBe(expected.step);
    expect(got.shuffleRng).toBe(expected.shuffleRng);
    expect(sameBits(got.params, expected.params)).toBe('identical');
    expect(sameBits(got.moment1, expected.moment1)).toBe('identical');
    expect(sameBits(got.moment2, expected.moment2)).toBe('identical');
    // And training did move the parameters away from the epoch-1 state.
    expect(sameBits(got.params, saved.params)).not.toBe('identical');
  });

  it('refuses a state of the wrong size', async () => {
    const gpu = await getGpu();
    const trainer = await Trainer.create(gpu, data, base);
    const state = await trainer.exportState();
    expect(() => trainer.importState({ ...state, moment1: new Float32Array(3) })).toThrow(/moment1 has 3 floats/);
    expect(() => trainer.importState({ ...state, moment2: null })).toThrow(/Adam needs moment2/);
    trainer.destroy();
  });

  it('stops a diverging run with NonFiniteError naming the epoch and step', async () => {
    const gpu = await getGpu();
    const trainer = await Trainer.create(gpu, data, { ...base, optimizer: 'sgd', learningRate: 1e30, momentum: 0 });
    const epochs: number[] = [];
    const err = await trainer.fit((e) => e.type === 'epoch' && epochs.push(e.epoch)).catch((e: unknown) => e);
    trainer.destroy();
    expect(err).toBeInstanceOf(NonFiniteError);
    const { epoch, step, message } = err as NonFiniteError;
    console.log(message);
    expect(epoch).toBe(1);
    // Step 1's loss is computed from the initial weights; the first update (lr 1e30) ruins them.
    expect(step).toBeGreaterThanOrEqual(2);
    expect(step).toBeLessThanOrEqual(4);
    expect(message).toContain(`epoch 1, step ${step}`);
    expect(epochs).toEqual([]);
  });
});
