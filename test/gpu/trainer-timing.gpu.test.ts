// Trainer.timeSteps (the run estimate's measurement) returns a positive time per step and
// leaves the trainer exactly as it was: the parameters, optimizer moments and step state have
// the same bits afterwards, so a run after an estimate is the run without one.
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../src/train/types.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';

const data = fakeMnist(100, 10, 4);
const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs: 2, batchSize: 8, limit: 100, validationSplit: 0, seed: 11 };
const bits = (a: Float32Array | null) => (a ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)) : null);

describe('Trainer.timeSteps', () => {
  it('times steps and leaves parameters, moments and step state untouched', async () => {
    const gpu = await getGpu();
    const trainer = await Trainer.create(gpu, data, options);
    await trainer.fit(() => undefined, {}); // moments and step counter are non-trivial now
    const before = await trainer.exportState();
    const ms = await trainer.timeSteps(3);
    const after = await trainer.exportState();
    trainer.destroy();
    console.log(`timeSteps: ${ms.toFixed(1)} ms per step (batch 8)`);
    expect(ms).toBeGreaterThan(0);
    expect(bits(after.params)).toEqual(bits(before.params));
    expect(bits(after.moment1)).toEqual(bits(before.moment1));
    expect(bits(after.moment2)).toEqual(bits(before.moment2));
    expect(after.step).toBe(before.step);
    expect(before.step).toBe(26);
  });
});
