// One training run on an acquired device, as the CLI (src/cli/headless-run.ts) and the page's
// worker (src/ui/worker.ts) both run it: build the trainer (its kernels chosen by the caller),
// continue from a trainer state if given, train, and after each epoch read the state back,
// refuse anything non-finite and hand the state to the caller's sink; the epoch is announced
// only once that sink has resolved. A run stopped by its signal ends as 'stopped'. A failed
// run's error is named as a device loss when the device turns out to be lost (asDeviceLoss),
// with the same grace on both sides.
import type { Gpu } from '../gpu/device.ts';
import { lossWithin } from '../gpu/device-loss.ts';
import type { Mnist } from '../data/mnist.ts';
import type { ImageDataset } from '../data/image-dataset.ts';
import { DeviceLostError, NonFiniteError, Trainer, TrainingStoppedError, type FitControl, type TrainerSetup } from './trainer.ts';
import { firstNonFiniteValue, type TrainerState } from './trainer-state.ts';
import type { EpochRecord, TrainEvent, TrainOptions } from './types.ts';

/** How long a failed run waits for the device's lost promise before naming the error as is. */
export const LOST_GRACE_MS = 1000;

export type TrainerFactory = Pick<typeof Trainer, 'create'>;

export interface RunSession {
  gpu: Gpu;
  data: Mnist | ImageDataset;
  options: TrainOptions;
  /** The starting weights (else the options' seed initializes them). */
  initial?: Float32Array;
  /** A stopped run's state to continue exactly from. */
  resume?: TrainerState;
  setup?: TrainerSetup;
  /** Builds the trainer (tests: a stand-in). */
  factory?: TrainerFactory;
  /** Hears the trainer once built, before it trains: the caller owns it from then on (and destroys it). */
  built(trainer: Trainer): void;
  /** Hears the stage the run is at ('training'), for error reports. */
  stage?(stage: string): void;
  send(event: TrainEvent): void;
  /** Keeps an epoch's state (checkpoint, autosave); awaited before the epoch is announced. */
  keep(state: TrainerState, epoch: number, record: EpochRecord): Promise<void>;
  /** Stopping and pausing (the page's). */
  control?: Omit<FitControl, 'afterEpoch'>;
}

export interface RunOutcome {
  trainer: Trainer;
  epochs: EpochRecord[];
  reason: 'finished' | 'stopped';
}

export async function runTrainingSession(s: RunSession): Promise<RunOutcome> {
  const factory = s.factory ?? Trainer;
  const trainer = (await factory.create(s.gpu, s.data, s.options, s.initial, s.setup)) as Trainer;
  s.built(trainer);
  if (s.resume) trainer.importState(s.resume);
  s.stage?.('training');
  const epochs: EpochRecord[] = [];
  try {
    const history = await trainer.fit(s.send, {
      ...s.control,
      afterEpoch: async (epoch, record) => {
        const state = await trainer.exportState();
        const bad = firstNonFiniteValue(state);
        if (bad) throw new NonFiniteError(epoch, null, `value after the epoch (${bad})`);
        await s.keep(state, epoch, record);
        epochs.push(record);
      },
    });
    return { trainer, epochs: history.epochs, reason: 'finished' };
  } catch (e) {
    if (!(e instanceof TrainingStoppedError)) throw e;
    return { trainer, epochs, reason: 'stopped' };
  }
}

/**
 * A lost device makes pending GPU calls reject with unrelated errors (an OperationError from
 * mapAsync, ...): when the device turns out to be lost within LOST_GRACE_MS, the error is named
 * as such.
 */
export async function asDeviceLoss(gpu: Gpu, e: unknown): Promise<Error> {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof DeviceLostError) return err;
  const lost = await lossWithin(gpu.lost, LOST_GRACE_MS);
  return lost ? new DeviceLostError(lost.message || lost.reason || err.message) : err;
}
