// The contract between run-tfjs.ts (Node) and tfjs-entry.ts (the page): what the page is
// asked to do and what it answers. Browser-safe: types and constants only.

export type TfjsBackend = 'webgpu' | 'wasm';

/** What one run of one backend in the page does. */
export interface TfjsPeerRequest {
  backend: TfjsBackend;
  /** Batch size of each training step (128, as in the Keras reference). */
  batch: number;
  /** Images per inference call (1000). */
  inferImages: number;
  /** Wall-clock budget for this backend, model build and warm-ups included. */
  capSeconds: number;
  /** Timed training steps after the warm-up step: at least min (>= 1, even past the cap), at most max. */
  minSteps: number;
  maxSteps: number;
  /**
   * Timed inference runs after the warm-up pass: at least min (even past the cap), at most max.
   * With min 0 and the cap reached, the warm-up pass is reported (infer_from_warmup).
   */
  minInferRuns: number;
  maxInferRuns: number;
  /** URL prefix (ending in '/') of the tfjs-backend-wasm .wasm files. */
  wasmPrefix: string;
  /** URL prefix of the MNIST IDX files (served by src/data/vite-mnist-plugin.ts). */
  mnistBase: string;
}

export interface TfjsPeerResult {
  backend: TfjsBackend;
  /** Median of the timed training steps (model.trainOnBatch, loss awaited). */
  ms_per_step: number;
  samples_per_s: number;
  /** Median of the timed inference runs (model.predict on (N,28,28,1), awaited with .data()). */
  infer_ms: number;
  steps_timed: number;
  /** Timed inference runs after the warm-up pass (0 when infer_from_warmup). */
  infer_runs: number;
  /** True when the cap left no time for a timed inference run and infer_ms is the warm-up pass. */
  infer_from_warmup: boolean;
  /** Every timed step and inference run, in order. */
  step_ms: number[];
  infer_ms_all: number[];
  /** The untimed first step and first inference (shader compilation, allocation). */
  warmup_step_ms: number;
  warmup_infer_ms: number;
  /** Loss after the warm-up step and after the last timed step (a sanity check: finite, falling). */
  first_loss: number;
  last_loss: number;
  params: number;
  batch: number;
  infer_images: number;
  /** Seconds this backend took in the page, data loading excluded. */
  total_s: number;
  /** True when a minimum count pushed the run past capSeconds. */
  over_cap: boolean;
  tfjs_version: string;
  /** wasm only: which binary ran and what the browser supports. */
  wasm?: {
    flavour: string;
    simd: boolean;
    threads: boolean;
    threads_count: number;
    binary_url: string | null;
    /** tfjs-backend-wasm lacks Conv2DBackpropFilter; the page adds one (see tfjs-entry.ts) and checks it: max |error|. */
    conv2d_backprop_filter_shim_error: number;
  };
  /** webgpu only: the adapter the page's navigator.gpu returns. */
  adapter?: AdapterSummary | null;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  fallback: boolean | null;
}

/** A session of the interleaved rounds: one backend per page, then one model at a time. */
export interface TfjsSessionRequest {
  backend: TfjsBackend;
  /** A Keras Sequential config (models/*.json); the page builds it from our TF.js topology. */
  modelConfig: unknown;
  batch: number;
  wasmPrefix: string;
  mnistBase: string;
}

export interface TfjsSessionOpened {
  /** Parameters of the tfjs model (trainable and not); checked equal to ours. */
  params: number;
  tfjs_version: string;
  wasm?: TfjsPeerResult['wasm'];
  adapter?: AdapterSummary | null;
}

export interface TfjsStepsResult {
  /** Summed ms of the steps' trainOnBatch calls (loss awaited); making each batch's tensors is not timed. */
  ms: number;
  /** Loss of the last step. */
  loss: number;
}

/** The page sets this on window once its module has loaded. */
export interface TfjsPeerPageApi {
  run(request: TfjsPeerRequest): Promise<TfjsPeerResult>;
  adapterInfo(): Promise<AdapterSummary | null>;
  /** Sets the backend (first call) and builds the model, replacing the previous one. */
  open(request: TfjsSessionRequest): Promise<TfjsSessionOpened>;
  /** Trains the opened model for `count` steps. */
  steps(count: number): Promise<TfjsStepsResult>;
  /** ms of each of `runs` predicts of the first `images` test images. */
  infer(images: number, runs: number): Promise<number[]>;
}

export const PAGE_API_GLOBAL = '__tfjsPeer';
