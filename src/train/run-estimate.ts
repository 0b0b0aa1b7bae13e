// How long a run will take on this adapter, before it starts: the run's steps and evaluated
// images times the time per training step and per evaluated image, measured on this adapter
// (Trainer.timeSteps and a timed evaluation batch). Also the "quick run" offered where the
// estimate is long or the adapter is software.
import type { TrainOptions } from './types.ts';

/** What the run consists of. */
export interface RunShape {
  epochs: number;
  /** Training images per epoch (after the validation split). */
  trainCount: number;
  /** Validation images evaluated after each epoch. */
  validationCount: number;
  batchSize: number;
  /** Test images evaluated after the run. */
  testCount: number;
}

/** Measured on the adapter. */
export interface Timing {
  /** One training step at the run's batch size (ms). */
  stepMs: number;
  /** One image of an evaluation pass (ms). */
  evalImageMs: number;
}

export interface Estimate {
  /** Whole run (training, validation, test), in seconds. */
  seconds: number;
  /** One epoch's training steps and validation, in seconds. */
  epochSeconds: number;
}

/** The shape of a run of `options` on a training set of `available` images. */
export function runShape(options: Pick<TrainOptions, 'epochs' | 'batchSize' | 'limit' | 'validationSplit'>, available: number, testCount: number): RunShape {
  const total = Math.min(options.limit ?? available, available);
  const trainCount = Math.floor(total * (1 - options.validationSplit));
  return { epochs: options.epochs, trainCount, validationCount: total - trainCount, batchSize: options.batchSize, testCount };
}

export function estimateRun(shape: RunShape, timing: Timing): Estimate {
  for (const [name, v] of Object.entries(timing)) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`run estimate: ${name} must be a positive time, got ${v}`);
  }
  const steps = Math.ceil(shape.trainCount / shape.batchSize);
  const epochMs = steps * timing.stepMs + shape.validationCount * timing.evalImageMs;
  const ms = shape.epochs * epochMs + shape.testCount * timing.evalImageMs;
  return { seconds: ms / 1000, epochSeconds: epochMs / 1000 };
}

/** "about 45 s", "about 48 min", "about 2.5 h": rounded as far as an estimate deserves. */
export function roughDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'an unknown time';
  if (seconds < 10) return 'a few seconds';
  if (seconds < 90) return `about ${Math.round(seconds / 5) * 5} s`;
  const minutes = seconds / 60;
  if (minutes < 90) return `about ${Math.round(minutes)} min`;
  return `about ${(Math.round((minutes / 60) * 2) / 2).toString()} h`;
}

/** The page's sentence: "about 48 min on this adapter (software: SwiftShader)". */
export function describeEstimate(e: Estimate, adapter: string, software: boolean): string {
  return `${roughDuration(e.seconds)} on this adapter (${software ? 'software: ' : ''}${adapter})`;
}

/** A run longer than this is offered the quick run. */
export const LONG_RUN_SECONDS = 10 * 60;

/** The quick run: one epoch on the first 6,000 training images (a few minutes on a software adapter). */
export const QUICK_RUN: Pick<TrainOptions, 'epochs' | 'limit'> = { epochs: 1, limit: 6000 };

/** Whether to offer the quick run instead: the estimate is long or the adapter is software. */
export function offerQuickRun(e: Estimate, software: boolean, options: Pick<TrainOptions, 'epochs' | 'limit'>): boolean {
  const alreadyQuick = options.epochs <= QUICK_RUN.epochs && options.limit !== null && options.limit <= QUICK_RUN.limit!;
  return !alreadyQuick && (software || e.seconds > LONG_RUN_SECONDS);
}

/** A short name for the sentence: "SwiftShader", "NVIDIA H200", else vendor and architecture. */
export function shortAdapterName(a: { vendor: string; architecture: string; device: string; description: string }): string {
  const all = `${a.vendor} ${a.architecture} ${a.device} ${a.description}`;
  if (/swiftshader/i.test(all)) return 'SwiftShader';
  if (a.description) return a.description;
  return [a.vendor, a.architecture].filter((s) => s && s !== 'unknown').join(' ') || 'unknown adapter';
}
