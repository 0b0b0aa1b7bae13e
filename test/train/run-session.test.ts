// The run session shared by the CLI and the page (src/train/run-session.ts), with a stand-in
// trainer: each epoch's state is checked and kept before the epoch is announced, a non-finite
// state is never kept, a stop ends the run as 'stopped', a resume state is imported before
// training; a failed run's error is named a device loss only when the device is lost within
// the grace, and waiting for that leaves nothing behind on the device's promise.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Gpu } from '../../src/gpu/device.ts';
import type { Mnist } from '../../src/data/mnist.ts';
import { lossWaiters } from '../../src/gpu/device-loss.ts';
import { asDeviceLoss, LOST_GRACE_MS, runTrainingSession, type RunSession, type TrainerFactory } from '../../src/train/run-session.ts';
import { DeviceLostError, NonFiniteError, TrainingStoppedError, type FitControl } from '../../src/train/trainer.ts';
import type { TrainerState } from '../../src/train/trainer-state.ts';
import type { EpochRecord, TrainEvent, TrainOptions } from '../../src/train/types.ts';

const record: EpochRecord = { loss: 1, accuracy: 0.5, val_loss: 1, val_accuracy: 0.5, seconds: 1 };

function state(epoch: number, value = 0.5): TrainerState {
  return { epoch, step: epoch, shuffleRng: 1, params: Float32Array.of(value, 1), moment1: Float32Array.of(0, 0), moment2: null };
}

/** A trainer of `epochs` epochs that announces each one as Trainer.fit does: after afterEpoch. */
function standIn(epochs: number, opts: { stopAfter?: number; bad?: number } = {}) {
  const log: string[] = [];
  const trainer = {
    importState: (s: TrainerState) => log.push(`import ${s.epoch}`),
    exportState: async () => state(current, opts.bad === current ? Number.NaN : 0.5),
    async fit(send: (e: TrainEvent) => void, control: FitControl) {
      for (current = 1; current <= epochs; current++) {
        log.push(`fit ${current}`);
        if (control.signal?.aborted) throw new TrainingStoppedError();
        await control.afterEpoch!(current, record);
        send({ type: 'epoch', epoch: current, ...record });
        if (opts.stopAfter === current) throw new TrainingStoppedError();
      }
      return { epochs: Array.from({ length: epochs }, () => record) };
    },
  };
  let current = 0;
  const factory = { create: async () => trainer } as unknown as TrainerFactory;
  return { log, factory, trainer };
}

function session(factory: TrainerFactory, log: string[], extra: Partial<RunSession> = {}): RunSession {
  return {
    gpu: { lost: new Promise(() => {}) } as unknown as Gpu,
    data: {} as Mnist,
    options: {} as TrainOptions,
    factory,
    built: () => log.push('built'),
    stage: (s) => log.push(`stage ${s}`),
    send: (e) => log.push(`event ${e.type} ${(e as { epoch?: number }).epoch}`),
    keep: async (s, epoch) => {
      await new Promise((r) => setTimeout(r, 1));
      log.push(`kept ${epoch} ${s.params[0]}`);
    },
    ...extra,
  };
}

describe('runTrainingSession', () => {
  it('keeps each epoch before it is announced, after importing the resume state', async () => {
    const { log, factory } = standIn(2);
    const out = await runTrainingSession(session(factory, log, { resume: state(3) }));
    expect(out.reason).toBe('finished');
    expect(out.epochs).toHaveLength(2);
    expect(log).toEqual(['built', 'import 3', 'stage training', 'fit 1', 'kept 1 0.5', 'event epoch 1', 'fit 2', 'kept 2 0.5', 'event epoch 2']);
  });

  it('never keeps a non-finite state', async () => {
    const { log, factory } = standIn(3, { bad: 2 });
    await expect(runTrainingSession(session(factory, log))).rejects.toThrow(NonFiniteError);
    expect(log.filter((l) => l.startsWith('kept'))).toEqual(['kept 1 0.5']);
    expect(log).not.toContain('event epoch 2');
  });

  it('ends a stopped run as stopped, with the epochs it kept', async () => {
    const { log, factory } = standIn(3, { stopAfter: 1 });
    const out = await runTrainingSession(session(factory, log));
    expect(out.reason).toBe('stopped');
    expect(out.epochs).toHaveLength(1);
  });
});

describe('asDeviceLoss', () => {
  afterEach(() => vi.useRealTimers());

  it('names an error a device loss when the device is lost within the grace', async () => {
    let lose!: (info: GPUDeviceLostInfo) => void;
    const gpu = { lost: new Promise<GPUDeviceLostInfo>((r) => (lose = r)) } as unknown as Gpu;
    const named = asDeviceLoss(gpu, new Error('mapAsync failed'));
    lose({ reason: 'unknown', message: 'gone' } as GPUDeviceLostInfo);
    const err = await named;
    expect(err).toBeInstanceOf(DeviceLostError);
    expect(err.message).toContain('gone');
    expect(lossWaiters(gpu.lost)).toBe(0);
  });

  it('leaves the error as is when the device lives, and no waiter behind', async () => {
    vi.useFakeTimers();
    const gpu = { lost: new Promise<GPUDeviceLostInfo>(() => {}) } as unknown as Gpu;
    for (let i = 0; i < 3; i++) {
      const named = asDeviceLoss(gpu, new Error(`bad ${i}`));
      expect(lossWaiters(gpu.lost)).toBe(1);
      await vi.advanceTimersByTimeAsync(LOST_GRACE_MS);
      const err = await named;
      expect(err).not.toBeInstanceOf(DeviceLostError);
      expect(err.message).toBe(`bad ${i}`);
      expect(lossWaiters(gpu.lost)).toBe(0);
    }
  });
});
