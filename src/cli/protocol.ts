// What the Node driver (train.ts) and the headless page (headless-entry.ts) exchange.
// Browser-safe: no node imports.
import type { InputScaling } from '../data/image-dataset.ts';
import type { TrainerState } from '../train/trainer-state.ts';
import type { EpochRecord, Evaluation, TrainEvent, TrainOptions } from '../train/types.ts';
import type { AutotuneRequest } from '../tune/autotune-run.ts';

/** Name of the function the driver exposes on the page (page.exposeFunction) for TrainEvents. */
export const EVENT_BINDING = '__mnistTrainEvent';
/**
 * Name of the function the driver exposes for checkpoints: the page awaits
 * `(state: EncodedTrainerState, record: EpochRecord) => Promise<void>` after every epoch.
 */
export const CHECKPOINT_BINDING = '__mnistCheckpoint';
/** Global the page sets once it is ready to run. */
export const PAGE_API = 'mnistHeadless';
/** Page path of the headless entry, under the Vite server's root. */
export const HEADLESS_PAGE = '/src/cli/headless.html';
/**
 * Environment variable (tests only) naming a module, relative to the repository root, that
 * replaces src/train/trainer.ts in the headless page, e.g. test/cli/fake-trainer.ts.
 */
export const TRAINER_MODULE_ENV = 'MNIST_TRAINER_MODULE';

/** The pack of the user's own dataset: its file in the CLI's cache (the Node back end reads it) and the dev server's URL path of it (the page fetches it). */
export interface DataPackRef {
  file: string;
  url: string;
}

/** URL path (under the dev server's base) where the CLI's server serves the packs of the user's own datasets. */
export const DATA_PACK_URL_PATH = '__dataset-packs';

export interface HeadlessConfig {
  options: TrainOptions;
  /** The user's own dataset (options.ownDataset), packed; null or absent: the built-in options.dataset. */
  dataPack?: DataPackRef | null;
  /** Flat initial parameters (the model's table layout) as base64 of little-endian float32, or null. */
  initialWeights: string | null;
  /** How many test images to predict and show. */
  samples: number;
  /** Evaluate only the first N test images (rounded up to an evaluation batch); null: all. */
  testLimit: number | null;
  /** URL path of a stand-in Trainer module (tests), or null for src/train/trainer.ts. */
  trainerModule: string | null;
  /** The state to continue from (--resume, or after a lost device), or null for a fresh run. */
  resume: EncodedTrainerState | null;
  /** Evaluate `initialWeights` only (npm run evaluate): no trainer is built, nothing is trained. */
  evaluateOnly?: boolean;
  /** Classify these images with `initialWeights` only (npm run predict): no dataset is loaded, nothing is trained. */
  predict?: PredictRequest;
  /**
   * Kernel autotuning before the trainer is built: the mode and the cache the driver loaded (the
   * page cannot read the driver's file); the measured entries come back in an 'autotune' event.
   * Absent: the fixed rules.
   */
  autotune?: AutotuneRequest;
}

/** The images of a prediction run, already in the model's input shape. */
export interface PredictRequest {
  /** (count, H, W, C) bytes, base64. */
  images: string;
  count: number;
  /** What the gather makes of the bytes, as when the model was trained. */
  scaling: InputScaling;
  /** Also explain each image's most probable class (saliency and Grad-CAM, src/explain/). */
  explain?: boolean;
  /** The Conv2D layer Grad-CAM weighs (default: the model's last). */
  camLayer?: string;
}

/** One image's explanation as it crosses from the page: the float arrays as base64 of little-endian float32. */
export interface EncodedExplanation {
  classIndex: number;
  /** (H, W, C) d logit[classIndex] / d input. */
  saliency: string;
  /** Grad-CAM on a Conv2D layer: (height, width) map and its bilinear upsampling to the input's (H, W). */
  gradCam?: { layer: string; height: number; width: number; map: string; upsampled: string };
}

/** TrainerState with its arrays as base64 of little-endian float32 (for page.evaluate). */
export interface EncodedTrainerState {
  epoch: number;
  step: number;
  shuffleRng: number;
  params: string;
  moment1: string;
  moment2: string | null;
}

export function encodeTrainerState(s: TrainerState): EncodedTrainerState {
  return {
    epoch: s.epoch,
    step: s.step,
    shuffleRng: s.shuffleRng,
    params: floatsToBase64(s.params),
    moment1: floatsToBase64(s.moment1),
    moment2: s.moment2 ? floatsToBase64(s.moment2) : null,
  };
}

export function decodeTrainerState(e: EncodedTrainerState): TrainerState {
  return {
    epoch: e.epoch,
    step: e.step,
    shuffleRng: e.shuffleRng,
    params: base64ToFloats(e.params),
    moment1: base64ToFloats(e.moment1),
    moment2: e.moment2 === null ? null : base64ToFloats(e.moment2),
  };
}

export type CheckpointSink = (state: EncodedTrainerState, record: EpochRecord) => Promise<void>;

export interface HeadlessSamples {
  /** (count, H, W, C) bytes, base64. */
  images: string;
  /** (H, W, C) of each image. */
  shape: [number, number, number];
  labels: number[];
  /** Label l means classNames[l] (the dataset's). */
  classNames: string[];
  /** (count, classes) probabilities. */
  probabilities: number[][];
}

/**
 * A prediction run (config.predict) comes back as a run with no epochs, a test of count 0,
 * weights '' (not read back) and samples holding the given images' probabilities (images ''
 * and labels empty: the driver has both).
 */
export type HeadlessResult =
  | {
      ok: true;
      adapter: string;
      epochs: EpochRecord[];
      test: Evaluation;
      /** Final flat parameters, base64 of little-endian float32. */
      weights: string;
      samples: HeadlessSamples;
      /** A prediction run with explain: one per image, in order. */
      explanations?: EncodedExplanation[];
    }
  | { ok: false; error: { name: string; message: string; stack?: string }; stage: string };

export type EventSink = (event: TrainEvent) => void;

// base64 without Buffer (the page has no Buffer); chunked so large arrays don't overflow the stack.
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** float32 <-> base64 (little-endian, the byte order of every WebGPU platform). */
export function floatsToBase64(f: Float32Array): string {
  return bytesToBase64(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
}

export function base64ToFloats(b64: string): Float32Array {
  const bytes = base64ToBytes(b64);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
