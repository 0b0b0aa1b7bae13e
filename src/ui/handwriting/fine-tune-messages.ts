// What the page and the worker say about fine-tuning the current model on the user's
// handwriting (protocol.ts carries them as 'fineTune' messages both ways).
import type { MnistSplit } from '../../data/mnist.ts';
import type { ModelSpec } from '../../model/model-spec.ts';
import type { FineTuneSettings } from '../../train/fine-tune.ts';
import type { FineTuneScores } from './fine-tune-scores.ts';

/** Page to worker: fine-tune the current model on `train`, scoring it on `heldBack` before and after (images in the model's input shape). */
export interface FineTuneRequest {
  type: 'fineTune';
  train: MnistSplit;
  heldBack: MnistSplit;
  settings: FineTuneSettings;
}

/** Page to worker: compile a fine-tune's kernels now (while samples are drawn); no answer. */
export interface FineTuneWarmRequest {
  type: 'fineTuneWarm';
  settings: FineTuneSettings;
}

/** Worker to page, in this order: steps, 'before', progress..., then 'done' or 'failed'. */
export type FineTuneEvent =
  /** What the worker is doing now ("Downloading MNIST…", "Building the fine-tuner: 3 of 29 kernels…"). */
  | { kind: 'step'; text: string }
  /** The current model's scores, before any training. */
  | { kind: 'before'; scores: FineTuneScores }
  | { kind: 'progress'; step: number; steps: number; loss: number }
  /**
   * Finished: the tuned weights (`tuned`) are the current model now and `previous` the weights
   * they replaced (to go back). Stopped: the model is unchanged, `after`, `tuned` and
   * `previous` absent.
   */
  | {
      kind: 'done';
      reason: 'finished' | 'stopped';
      before: FineTuneScores;
      after?: FineTuneScores;
      tuned?: Float32Array;
      previous?: { spec: ModelSpec; weights: Float32Array };
      seconds: number;
    }
  | { kind: 'failed'; message: string };
