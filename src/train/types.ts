// The trainer's public vocabulary: options, events and history, shared by the CLI, the page
// and the benchmarks. The same option names are used on the command line and on the page.
import { DEFAULT_SPEC } from '../model/presets.ts';
import type { ModelSpec } from '../model/model-spec.ts';
import type { DatasetName } from '../data/datasets.ts';
import type { DatasetDescription } from '../data/image-dataset.ts';
import type { ColorMode } from '../data/images/color-mode.ts';
import type { TuneReport, TuningHistory } from '../tune/report.ts';
import type { TrainerBuildCost } from '../gpu/pipeline-build.ts';

export type OptimizerKind = 'adam' | 'sgd';

/** The user's own images (`--dataset PATH`) and how they are read. */
export interface OwnDatasetOptions {
  /** Absolute path of a folder of class folders or of a Keras .npz file. */
  path: string;
  /** [height, width] a folder's pictures are resized to; null: the model's input size. */
  imageSize: [number, number] | null;
  /** The channels a folder's pictures are given; null: the model's (1 grayscale, 3 rgb, 4 rgba). */
  colorMode: ColorMode | null;
  /** Fraction of each class held out as the test split (a folder without train/ and test/). */
  testSplit: number;
}

/** --test-split's default. */
export const DEFAULT_TEST_SPLIT = 0.2;

export interface TrainOptions {
  /** The model (a checked Keras Sequential; default the seed's network, models/mnist-cnn.json). */
  model: ModelSpec;
  /** The built-in dataset trained and tested on (default MNIST; src/data/datasets.ts), unless ownDataset is set. */
  dataset: DatasetName;
  /** The user's own images, in place of `dataset` (absent or null: `dataset`). */
  ownDataset?: OwnDatasetOptions | null;
  /** Passes over the training data. Keras example: 12. */
  epochs: number;
  batchSize: number;
  optimizer: OptimizerKind;
  /** Adam: 0.001 (Keras default); SGD: 0.01. */
  learningRate: number;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /**
   * Dropout rates replacing the model's: one for every Dropout layer, or one per Dropout layer in
   * order (0 disables that dropout); null keeps the model's own rates.
   */
  dropout: number[] | null;
  /** Seeds initialisation, shuffling and the dropout RNG. */
  seed: number;
  /** Use only the first N training images (null: all of them). */
  limit: number | null;
  /** Fraction held out from the END of the training images for validation (Keras validation_split). */
  validationSplit: number;
  /** Reshuffle the training indices every epoch. */
  shuffle: boolean;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  model: DEFAULT_SPEC,
  dataset: 'mnist',
  epochs: 12,
  batchSize: 128,
  optimizer: 'adam',
  learningRate: 0.001,
  momentum: 0.9,
  dropout: null,
  seed: 1,
  limit: null,
  validationSplit: 0.1,
  shuffle: true,
};

export interface EpochRecord {
  loss: number;
  accuracy: number;
  /** NaN when there is no validation data. */
  val_loss: number;
  val_accuracy: number;
  seconds: number;
}

export interface History {
  /** The saved model the run started from (the CLI's --init: the file read). */
  init?: string;
  epochs: EpochRecord[];
  test?: { loss: number; accuracy: number };
  /** The WebGPU adapter the run used, as described at its start. */
  adapter?: string | null;
  /** How the kernels were chosen (--autotune): per layer and pass, the choice and the candidates' times. */
  autotune?: TuningHistory;
  /**
   * What building the run's trainer cost (after a restart, the last build's): the pipelines it
   * compiled and its milliseconds, and among them its evaluation model's (`evaluation`).
   */
  build?: TrainerBuildCost;
  /** The dataset trained on: its name or path, class names, image shape and input scaling. */
  dataset?: DatasetDescription;
}

export type TrainEvent =
  | {
      type: 'start';
      adapter: string;
      trainCount: number;
      validationCount: number;
      stepsPerEpoch: number;
      options: TrainOptions;
      /** What building the trainer cost (Trainer.build). */
      build: TrainerBuildCost;
    }
  | {
      type: 'progress';
      epoch: number; // 1-based
      step: number; // batches done in this epoch
      steps: number;
      /** Running mean loss and accuracy over this epoch's batches so far. */
      loss: number;
      accuracy: number;
      samplesPerSecond: number;
      /** Per-batch mean losses read back since the previous progress event (for charts). */
      batchLosses: number[];
    }
  | ({ type: 'epoch'; epoch: number } & EpochRecord)
  | { type: 'test'; loss: number; accuracy: number }
  /** The kernels chosen before training (src/tune/), with what was measured. */
  | { type: 'autotune'; report: TuneReport };

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
}
