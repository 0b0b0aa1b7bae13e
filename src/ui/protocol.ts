// The typed messages between the page (app.ts) and the training worker (worker.ts).
// The worker owns the GPU, the data and the Trainer; the page never waits on the GPU.
import type { AdapterSummary } from '../gpu/device.ts';
import type { DataChoice } from '../data/datasets.ts';
import type { DatasetUpload } from '../data/dataset-upload.ts';
import type { DatasetSummary } from '../data/dataset-summary.ts';
import type { DatasetFacts } from '../data/dataset-facts.ts';
import type { ModelSpec } from '../model/model-spec.ts';
import type { TrainerState } from '../train/trainer-state.ts';
import type { EpochRecord, TrainEvent, TrainOptions } from '../train/types.ts';
import type { AutotuneMode } from '../tune/mode.ts';
import type { ExplainAnswer } from './explain-service.ts';
import type { MapStage, TestMap } from './test-map-job.ts';
import type { FineTuneEvent, FineTuneRequest, FineTuneWarmRequest } from './handwriting/fine-tune-messages.ts';

/** Where a run's initial weights come from. */
export type WeightsSource =
  | { kind: 'scratch' }
  /** The worker's current model (continue training it). */
  | { kind: 'current' }
  /**
   * Given weights (an autosave without a trainer state): a fresh optimizer, and the remaining
   * epochs run with the seed moved on by the epochs done (not the run that would have happened).
   */
  | { kind: 'given'; weights: Float32Array }
  /** An autosave's trainer state (Trainer.exportState): the run continues exactly where it stopped. */
  | { kind: 'state'; state: TrainerState };

export interface StartRequest {
  type: 'start';
  options: TrainOptions;
  from: WeightsSource;
  /** Epochs already done (resume): events are numbered from epochOffset + 1. */
  epochOffset: number;
  /** How many test images to evaluate after training (at least 1; more than the test set has: all of it). */
  evalCount: number;
  /**
   * The "Kernels" choice: tune before training (auto: on a hardware adapter only; on: reusing
   * the choices cached in IndexedDB; refresh: measuring again) or keep the fixed rules (off).
   */
  autotune: AutotuneMode;
}

export type PageToWorker =
  | StartRequest
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** The checkpoint of `epoch` is kept (or could not be): the run goes on to the next epoch. */
  | { type: 'checkpoint-kept'; epoch: number }
  /** Classify one image ((H, W, C) bytes, the model's input). The reply carries the same id. */
  | { type: 'predict'; id: number; image: Uint8Array }
  /**
   * What the network sees in one image ((H, W, C) bytes): every layer's output, the saliency for
   * `classIndex` (default: the guess) and Grad-CAM on `camLayer` (default, or when the model has
   * no Conv2D of that name: the last Conv2D; the answer names the layer). The reply carries the same id.
   */
  | { type: 'explain'; id: number; image: Uint8Array; classIndex?: number; camLayer?: string }
  /**
   * Classify `count` images ((count, H, W, C) bytes) in one batch with the page's model. The reply
   * carries the same id. `reader`: the number reader's call, 28x28 grey fields answered by its
   * own model (numbers/reader-model.ts), (count, 11) with "not one digit" last; with the digits
   * read by the page's model instead when `reader` is 'model's digits'.
   */
  | { type: 'predictBatch'; id: number; images: Uint8Array; count: number; reader?: 'reader' | "model's digits" }
  /**
   * The map of what the network learned: the first `count` test images of `dataset` through the
   * current model, the input of its last Dense layer projected to 2-D with UMAP. Answered by
   * 'testMapProgress' as it goes, then 'testMap' or 'testMapFailed', with the same id.
   */
  | { type: 'mapTestSet'; id: number; count: number; dataset: DataChoice }
  /** Evaluate the current model on the first `count` test images of `dataset`. */
  | { type: 'evaluate'; count: number; dataset: DataChoice }
  /**
   * Read the user's own dataset (a folder's files, a zip or a .npz): answered by
   * 'dataset-progress' while decoding, then 'own-dataset' and 'dataset', or an error of context
   * 'dataset' (the dataset read before stays).
   */
  | { type: 'loadDataset'; upload: DatasetUpload }
  /** Make the model shipped with the page (public/trained/, see shipped-model.ts) the current one. */
  | { type: 'loadShipped' }
  /** Export the current model as model.json + weights.bin. */
  | { type: 'save' }
  /** The model as a Keras 3 .keras file. */
  | { type: 'saveKeras' }
  /** A .keras file (any model the page supports). */
  | { type: 'loadKeras'; name: string; data: ArrayBuffer }
  /** Import model.json + weights; a bad pair changes nothing. */
  | { type: 'load'; modelJson: string; modelJsonName: string; weights: { name: string; data: ArrayBuffer }[] }
  /**
   * Make these flat weights (the parameter table of `model`) the current model, e.g. an autosaved
   * checkpoint; `data`: the dataset it was trained on (default MNIST), which says how it reads
   * images' bytes and which its saved files record (the own dataset: the one the worker holds, where it fits).
   */
  | { type: 'useWeights'; model: ModelSpec; weights: Float32Array; label: string; data?: DataChoice }
  /**
   * How long a run of these options would take on this adapter: the worker times a few
   * training steps and an evaluation batch (building a small trainer of the model and batch
   * size first when it has none) and answers with an 'estimate'. With `fitSeconds`, the answer
   * also holds the largest run of these options that fits that time (fitRun of run-estimate.ts).
   */
  | { type: 'estimate'; options: TrainOptions; evalCount: number; fitSeconds?: number }
  /** Testing aid: destroys the GPU device as a driver reset would. */
  | { type: 'simulateDeviceLoss' }
  /** Fine-tune the current model on the user's handwriting (handwriting/fine-tune-job.ts); answered by 'fineTune' events. */
  | FineTuneRequest
  | FineTuneWarmRequest
  | { type: 'fineTuneStop' };

/** What the page must know of the worker's model to prepare its input and name its outputs. */
export interface ModelInput {
  /** (H, W, C) of one input image. */
  shape: readonly [number, number, number];
  classes: number;
}

export interface Sample {
  /** Index in the test set. */
  index: number;
  /** (H, W, C) bytes (TestResults.imageShape). */
  image: Uint8Array;
  label: number;
  predicted: number;
  /** Probability of the predicted class. */
  confidence: number;
}

export interface TestResults {
  count: number;
  loss: number;
  accuracy: number;
  /** confusion[true * classes + predicted], classes = classNames.length. */
  confusion: number[];
  /** The dataset's class names: label l means classNames[l]. */
  classNames: string[];
  /** (H, W, C) of every sample's image. */
  imageShape: [number, number, number];
  samples: Sample[];
  worst: Sample[];
  seconds: number;
}

/** 'pausing': a pause was asked for and the steps already on the GPU are finishing; 'paused': held. */
export type WorkerPhase = 'idle' | 'loading-data' | 'building' | 'training' | 'pausing' | 'paused' | 'evaluating';

export type WorkerToPage =
  | { type: 'adapter'; adapter: AdapterSummary; description: string }
  | { type: 'unavailable'; message: string }
  /** `progress`: how far the phase is (building: pipelines built of total), for a progress bar. */
  | { type: 'phase'; phase: WorkerPhase; detail?: string; progress?: { done: number; total: number } }
  | { type: 'train'; event: TrainEvent }
  /**
   * After each epoch, for the autosave: the weights and the trainer state (null where a run
   * cannot continue exactly from it: one resumed from weights alone). The epoch's last
   * progress event and its 'epoch' event come in `events`, held back: the page shows them once
   * the autosave is kept, then answers 'checkpoint-kept', and only then does the next epoch start.
   */
  | { type: 'checkpoint'; epoch: number; record: EpochRecord; weights: Float32Array; state: TrainerState | null; events: TrainEvent[] }
  | { type: 'done'; reason: 'finished' | 'stopped' }
  | { type: 'results'; results: TestResults }
  | { type: 'prediction'; id: number; probabilities: Float32Array }
  /** (count, classes) probabilities for a predictBatch, or why there are none. */
  | { type: 'batchPrediction'; id: number; probabilities: Float32Array }
  | { type: 'batchPredictionFailed'; id: number; message: string }
  /** The answer to an 'explain' (the explanation and every convolution's filters), or why there is none. */
  | { type: 'explanation'; id: number; answer: ExplainAnswer }
  | { type: 'explanationFailed'; id: number; message: string }
  /** How far the map of the test set is: images through the GPU, then UMAP's neighbours and layout epochs. */
  | { type: 'testMapProgress'; id: number; stage: MapStage; done: number; total: number }
  | { type: 'testMap'; id: number; map: TestMap }
  | { type: 'testMapFailed'; id: number; message: string }
  | { type: 'saved'; modelJson: string; weights: Uint8Array }
  | { type: 'savedKeras'; data: Uint8Array }
  /** Weights were loaded: `spec` is the model they belong to, `testAccuracy` the shipped model's figure. */
  | { type: 'loaded'; message: string; spec: ModelSpec; testAccuracy?: number; history?: EpochRecord[] }
  /** The model is ready for drawing/evaluation (after training or loading). */
  | { type: 'model-ready' }
  /** The worker's model is now this one (built for a run, or loaded): its input (H, W, C) and number of classes. */
  | { type: 'model-input'; input: ModelInput }
  /** A dataset was loaded: what it holds (its images' shape, class names and split sizes). */
  | { type: 'dataset'; name: DataChoice; facts: DatasetFacts }
  /** How far the user's dataset is decoded (pictures done of total). */
  | { type: 'dataset-progress'; name: string; done: number; total: number }
  /**
   * The user's dataset is read and split: what the page shows of it. `kept`: the dataset given
   * on an earlier visit, kept in this browser (not chosen for training by itself).
   */
  | { type: 'own-dataset'; summary: DatasetSummary; kept: boolean }
  | { type: 'device-lost'; message: string }
  /** Autotuning went on without its cache (a corrupt one ignored, a write that failed). */
  | { type: 'tune-warning'; message: string }
  /**
   * The answer to an 'estimate' request (for the options it carried): the run's duration in
   * seconds, `text` as the page shows it ("about 48 min on this adapter (software:
   * SwiftShader)") and whether to offer the quick run (QUICK_RUN of run-estimate.ts).
   */
  | {
      type: 'estimate';
      options: TrainOptions;
      seconds: number;
      epochSeconds: number;
      stepMs: number;
      text: string;
      offerQuickRun: boolean;
      /** Where fitSeconds was asked and the run does not fit it: the run that does. */
      fitted?: { options: TrainOptions; evalCount: number; seconds: number; text: string };
    }
  /** How a fine-tune on the user's handwriting goes (handwriting/fine-tune-messages.ts). */
  | { type: 'fineTune'; event: FineTuneEvent }
  | { type: 'error'; context: 'start' | 'train' | 'predict' | 'evaluate' | 'save' | 'load' | 'shipped' | 'gpu' | 'estimate' | 'dataset'; message: string };
