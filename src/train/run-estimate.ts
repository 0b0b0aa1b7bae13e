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

/** What a first run on the page should take at most: a few minutes. */
export const FIRST_RUN_SECONDS = 180;

/** A run fitted to a time budget: its options and test-image count, and its estimate. */
export interface FittedRun {
  epochs: number;
  /** Training images (before the validation split); null: all of them. */
  limit: number | null;
  evalCount: number;
  estimate: Estimate;
}

/** `n` rounded down to a multiple of `step`, at least `step` (and never above `n` where n < step). */
const roundDown = (n: number, step: number) => (n < step ? Math.max(1, Math.floor(n)) : Math.floor(n / step) * step);

/**
 * The largest run of `options` that fits `budgetSeconds` on the measured timing: as many
 * training images as fit in one epoch first (rounded down to thousands), then more epochs up
 * to `options.epochs` once all images fit; the test images cut (to thousands) only where they
 * alone would take more than a quarter of the budget. Never more than `options` asks; a run
 * that fits as it is stays as it is.
 */
export function fitRun(
  options: Pick<TrainOptions, 'epochs' | 'batchSize' | 'limit' | 'validationSplit'>,
  available: number,
  evalCount: number,
  timing: Timing,
  budgetSeconds: number,
): FittedRun {
  const estimateOf = (epochs: number, limit: number | null, tests: number) => estimateRun(runShape({ ...options, epochs, limit }, available, tests), timing);
  const asked = estimateOf(options.epochs, options.limit, evalCount);
  if (asked.seconds <= budgetSeconds) return { epochs: options.epochs, limit: options.limit, evalCount, estimate: asked };
  const images = Math.min(options.limit ?? available, available);
  const tests = Math.min(evalCount, roundDown((budgetSeconds * 250) / timing.evalImageMs, 1000));
  // Seconds per training image in an epoch (its steps and its share of validation), and the test's.
  const perImage = (estimateOf(1, images, 0).seconds) / images;
  const testSeconds = estimateOf(0, images, tests).seconds;
  const fitImages = (budgetSeconds - testSeconds) / perImage;
  if (fitImages < images) {
    let limit = roundDown(Math.max(fitImages, options.batchSize), 1000);
    // The linear share leaves out that a partial batch costs a whole step.
    while (limit > 1000 && estimateOf(1, limit, tests).seconds > budgetSeconds) limit -= 1000;
    return { epochs: 1, limit, evalCount: tests, estimate: estimateOf(1, limit, tests) };
  }
  const epochs = Math.max(1, Math.min(options.epochs, Math.floor(fitImages / images)));
  return { epochs, limit: options.limit, evalCount: tests, estimate: estimateOf(epochs, options.limit, tests) };
}

/** A short name for the sentence: "SwiftShader", "NVIDIA H200", else vendor and architecture. */
export function shortAdapterName(a: { vendor: string; architecture: string; device: string; description: string }): string {
  const all = `${a.vendor} ${a.architecture} ${a.device} ${a.description}`;
  if (/swiftshader/i.test(all)) return 'SwiftShader';
  if (a.description) return a.description;
  return [a.vendor, a.architecture].filter((s) => s && s !== 'unknown').join(' ') || 'unknown adapter';
}
