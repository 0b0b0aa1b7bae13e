// Fine-tuning a trained model on a few images of the user's own (their handwriting): a short
// run from the model's weights with a small Adam learning rate over batches that mix the
// user's images into MNIST's (fine-tune-mix.ts). Frozen layers (trainable: false) stay as
// they are, as in any run.
import type { Gpu } from '../gpu/device.ts';
import type { Mnist, MnistSplit } from '../data/mnist.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { mixBatches, type FineTuneMix } from './fine-tune-mix.ts';
import { Trainer, TrainingStoppedError, type TrainerSetup } from './trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './types.ts';

export interface FineTuneSettings extends FineTuneMix {
  /** Adam's learning rate (small: the model is trained already). */
  learningRate: number;
  /** How many MNIST test images (the first ones) are scored before and after. */
  testCount: number;
}

/**
 * 60 steps of 32 images, 16 of each batch the user's (half, shifted up to 2 px) and 16 from a
 * pool of 512 MNIST training images, Adam at 0.001; scored on the first 500 MNIST test images.
 * About a second on a GPU; with 20 samples of a hand the shipped model reads badly, 40 such
 * steps take it from 4 to 8 of 10 held-back samples while MNIST stays near 98%
 * (test/e2e/handwriting.e2e.test.ts).
 */
export const FINE_TUNE_DEFAULTS: FineTuneSettings = {
  steps: 60,
  batchSize: 32,
  userPerBatch: 16,
  mnistPool: 512,
  maxShift: 2,
  seed: 1,
  learningRate: 0.001,
  testCount: 500,
};

/** The first `count` images of a split (at most all of them) of images of `size` bytes. */
export function firstImages(split: MnistSplit, count: number, size: number): MnistSplit {
  const n = Math.max(0, Math.min(split.count, Math.floor(count)));
  return { images: split.images.slice(0, n * size), labels: split.labels.slice(0, n), count: n };
}

export interface FineTuneRun {
  gpu: Gpu;
  model: ModelInfo;
  /** The weights to start from (the model's current ones). */
  weights: Float32Array;
  /** The user's training images (the model's input shape) and their labels. */
  user: MnistSplit;
  mnist: Mnist;
  settings: FineTuneSettings;
  signal?: AbortSignal;
  /** Hears each progress read: steps done of all, and the running mean loss. */
  onProgress?(step: number, steps: number, loss: number): void;
  setup?: TrainerSetup;
}

/** The options of a fine-tune's run (one pass over the mixed batches, in order). */
export function fineTuneOptions(model: ModelInfo, settings: FineTuneSettings): TrainOptions {
  return {
    ...DEFAULT_TRAIN_OPTIONS,
    model: model.spec,
    dataset: 'mnist',
    epochs: 1,
    batchSize: settings.batchSize,
    optimizer: 'adam',
    learningRate: settings.learningRate,
    seed: settings.seed,
    limit: null,
    validationSplit: 0,
    shuffle: false,
  };
}

/**
 * Compiles the kernels a fine-tune of `model` with `settings` runs (a throwaway trainer over
 * blank images: the kernels do not depend on the images or their number), so that the
 * fine-tune itself starts at once: the device keeps compiled pipelines (pipeline-cache.ts).
 */
export async function warmFineTune(gpu: Gpu, model: ModelInfo, settings: FineTuneSettings): Promise<void> {
  const blank = (count: number): MnistSplit => ({ images: new Uint8Array(count * model.inputSize), labels: new Uint8Array(count), count });
  const classNames = Array.from({ length: model.classes }, (_, i) => String(i));
  const data: Mnist = { train: blank(settings.batchSize), test: blank(1), imageShape: model.inputShape, classNames };
  (await Trainer.create(gpu, data, fineTuneOptions(model, settings))).destroy();
}

/**
 * Trains a copy of the model on the mixed batches. Resolves to the trainer (the caller reads
 * its weights and destroys it), or undefined when `signal` stopped it first. A non-finite loss
 * throws the trainer's NonFiniteError.
 */
export async function fineTune(run: FineTuneRun): Promise<Trainer | undefined> {
  const { model, settings } = run;
  const train = mixBatches(run.user, run.mnist.train, model.inputShape, settings);
  const test = firstImages(run.mnist.test, Math.max(1, settings.testCount), model.inputSize);
  const data: Mnist = { train, test, imageShape: model.inputShape, classNames: run.mnist.classNames };
  const trainer = await Trainer.create(run.gpu, data, fineTuneOptions(model, settings), run.weights, run.setup);
  try {
    if (run.signal?.aborted) throw new TrainingStoppedError();
    await trainer.fit(
      (e) => {
        if (e.type === 'progress') run.onProgress?.(e.step, e.steps, e.loss);
      },
      { signal: run.signal },
    );
    return trainer;
  } catch (e) {
    trainer.destroy();
    if (e instanceof TrainingStoppedError) return undefined;
    throw e;
  }
}
