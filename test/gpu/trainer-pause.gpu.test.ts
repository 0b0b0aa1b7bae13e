// Pause and stop at the next step boundary: a run paused mid-epoch and resumed ends with the
// same parameter bits, optimizer moments and metrics as a run that never paused (same shuffle
// order, step index and dropout counters); no step is submitted after the pause or stop is
// asked for, and the steps still running then are at most what the pacing allows in flight.
import { describe, expect, it } from 'vitest';
import { Trainer, TrainingStoppedError } from '../../src/train/trainer.ts';
import { MAX_STEPS_PER_SUBMIT } from '../../src/train/step-pacing.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainEvent, type TrainOptions } from '../../src/train/types.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';

const data = fakeMnist(100, 10, 3);
// 100 images, no validation: 13 steps of 8 per epoch (the last one 4), shuffled, with dropout.
const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs: 2, batchSize: 8, limit: 100, validationSplit: 0, seed: 9 };

const bits = (a: Float32Array | null) => (a ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)) : null);
const batchLosses = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'progress' ? e.batchLosses : []));
const epochs = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [{ ...e, seconds: 0 }] : []));

describe('Trainer pause and stop', () => {
  it('pauses at the next step boundary twice mid-epoch and resumes into the uninterrupted run, bit for bit', async () => {
    const gpu = await getGpu();
    const straight = await Trainer.create(gpu, data, options);
    const straightEvents: TrainEvent[] = [];
    await straight.fit((e) => straightEvents.push(e));
    const expected = await straight.exportState();
    straight.destroy();

    const trainer = await Trainer.create(gpu, data, options);
    const events: TrainEvent[] = [];
    const pauseAt = new Set(['1:3', '2:7']); // epoch:step of the progress events that ask for a pause
    let paused = false;
    const asked: { submitted: number; done: number; bound: number }[] = [];
    const held: { epoch: number; step: number }[] = [];
    await trainer.fit(
      (e) => {
        events.push(e);
        if (e.type === 'progress' && pauseAt.delete(`${e.epoch}:${e.step}`)) {
          const p = trainer.pacing;
          asked.push({ submitted: p.stepsSubmitted, done: p.stepsDone, bound: p.inFlightBound });
          paused = true;
        }
      },
      {
        isPaused: () => paused,
        waitIfPaused: async (at) => {
          held.push(at);
          await new Promise((r) => setTimeout(r, 30));
          paused = false;
        },
      },
    );
    const got = await trainer.exportState();
    trainer.destroy();
    console.log('pause asked at (submitted, done, bound):', JSON.stringify(asked), 'held at:', JSON.stringify(held));

    expect(held).toHaveLength(2);
    held.forEach((h, i) => {
      const globalStep = (h.epoch - 1) * trainer.stepsPerEpoch + h.step;
      // Nothing was submitted after the pause was asked for ...
      expect(globalStep).toBe(asked[i].submitted);
      // ... and what still ran then is bounded by the pacing its submits were made under (one
      // step when steps are slow; the pacing may change while they run) ...
      expect(globalStep - asked[i].done).toBeLessThanOrEqual(asked[i].bound);
      expect(asked[i].bound).toBeLessThanOrEqual(MAX_STEPS_PER_SUBMIT * 2);
      expect(h.step).toBeGreaterThan(0);
      expect(h.step).toBeLessThan(trainer.stepsPerEpoch);
    });
    expect(bits(got.params)).toEqual(bits(expected.params));
    expect(bits(got.moment1)).toEqual(bits(expected.moment1));
    expect(bits(got.moment2)).toEqual(bits(expected.moment2));
    expect(got.step).toBe(expected.step);
    expect(got.shuffleRng).toBe(expected.shuffleRng);
    expect(batchLosses(events)).toEqual(batchLosses(straightEvents));
    expect(epochs(events)).toEqual(epochs(straightEvents));
  });

  it('stops without submitting another step', async () => {
    const gpu = await getGpu();
    const trainer = await Trainer.create(gpu, data, options);
    const abort = new AbortController();
    let submittedAtStop = -1;
    const err = await trainer
      .fit((e) => {
        if (e.type === 'progress' && e.epoch === 1 && e.step === 4 && !abort.signal.aborted) {
          submittedAtStop = trainer.pacing.stepsSubmitted;
          abort.abort();
        }
      }, { signal: abort.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingStoppedError);
    expect(submittedAtStop).toBeGreaterThan(0);
    expect(trainer.pacing.stepsSubmitted).toBe(submittedAtStop);
    trainer.destroy();
  });
});
