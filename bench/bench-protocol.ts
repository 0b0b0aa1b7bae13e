// What the benchmark page returns to the Node driver (src/cli/bench.ts); the JSON written by
// `npm run bench -- --json FILE` extends it with the peers.
import type { AdapterSummary } from '../src/gpu/device.ts';
import type { ArithmeticFloor } from './arithmetic-floor.ts';
import type { AutotuneMode } from '../src/tune/mode.ts';
import type { TunedStep } from './tuned-step.ts';
import type { Check } from './validate-step.ts';

export interface BenchRequest {
  batch: number;
  inferBatch: number;
  /** Measuring time per kernel (ms). */
  kernelBudgetMs: number;
  stepBudgetMs: number;
  /** Fewer repetitions (smoke test of the bench itself). */
  quick: boolean;
  /** Tune the seed's kernels and time the training step with them too (default off). */
  autotune?: AutotuneMode;
}

/** The suite's training and inference batches unless the user sets them. */
export const BENCH_BATCH = 128;
export const BENCH_INFER_BATCH = 1000;

/** What the user chose: the CLI's flags (`--quick`, `--autotune`), the page's controls and query. */
export interface BenchChoice {
  quick: boolean;
  autotune: AutotuneMode;
  /** Default BENCH_BATCH (the page's `?batch=`). */
  batch?: number;
  /** Default BENCH_INFER_BATCH (the environment's `BENCH_INFER_BATCH`, the page's `?infer=`). */
  inferBatch?: number;
}

/** The suite's request, the same from `npm run bench` and bench.html. */
export function benchRequest(choice: BenchChoice): BenchRequest {
  return {
    batch: choice.batch ?? BENCH_BATCH,
    inferBatch: choice.inferBatch ?? BENCH_INFER_BATCH,
    kernelBudgetMs: 1500,
    stepBudgetMs: 20000,
    quick: choice.quick,
    autotune: choice.autotune,
  };
}

export interface KernelRow {
  name: string;
  layer: string;
  shader: string;
  shape: string;
  ms: number;
  gflops: number;
  gbps: number;
  reps: number;
  /** Share of the summed kernel time of its table (a training step or an inference pass). */
  share: number;
}

export interface VariantRow {
  name: string;
  ms: number;
  gflops: number;
  /** Max relative difference against the validated output. */
  error: number;
  promoted: boolean;
}

export interface BenchResult {
  adapter: AdapterSummary & { label: string };
  timing: 'timestamp' | 'wall';
  validation: Check[];
  kernels: KernelRow[];
  /** The inference forward pass kernel by kernel, at `infer.batch`. */
  inferKernels: KernelRow[];
  /** conv2d_1's forward at `infer.batch` beside its arithmetic-only twin (bench/arithmetic-floor.ts). */
  floor?: ArithmeticFloor;
  variants: VariantRow[];
  train: { ms_per_step: number; samples_per_s: number; epoch_seconds: number; batch: number; steps_per_submit: number };
  /** The tuning and the training step with the tuned kernels (when autotuning was active). */
  autotune?: TunedStep;
  /**
   * ms_per_1000: the GPU timer's (timeTiming); ms_with_readback: one pass of `batch` images end to
   * end with the logits read back; readback_ms: what the readback adds, the median difference of
   * passes with and without it measured in pairs (negative: within the noise).
   */
  infer: { images_per_s: number; ms_per_1000: number; ms_with_readback: number; readback_ms: number; batch: number };
}

/** The benchmark's sections in the order they run (the page shows its progress by them). */
export const BENCH_SECTIONS = ['data', 'validation', 'kernels', 'variants', 'train', 'inference', 'floor'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/** What `npm run bench -- --json FILE` and the page's download write (the peers' rounds only from the CLI). */
export interface BenchJson extends BenchResult {
  date: string;
  runtime: string;
  rounds?: unknown;
}

export interface BenchPageApi {
  run(request: BenchRequest): Promise<BenchResult>;
}

export const BENCH_API_GLOBAL = '__bench';

/** The JSON the CLI writes and the page offers, from one run. */
export function benchJson(result: BenchResult, runtime: string, rounds?: unknown): BenchJson {
  return { date: new Date().toISOString(), runtime, ...result, ...(rounds ? { rounds } : {}) };
}

/**
 * Inference as one sentence (the CLI and bench.html): the GPU timer's rate, then what a pass
 * with the logits read back costs and what the readback adds to it, measured in pairs.
 */
export function inferenceSentence(i: BenchResult['infer']): string {
  const f1 = (x: number) => x.toFixed(1);
  const adds = i.readback_ms > 0 ? `the readback adds ${f1(i.readback_ms)} ms` : `the readback adds no measurable time (${f1(i.readback_ms)} ms, within the noise)`;
  return `${Math.round(i.images_per_s)} images/s; 1000 images: ${f1(i.ms_per_1000)} ms on the GPU; one pass of ${i.batch} images with the logits read back ${f1(i.ms_with_readback)} ms, of which ${adds} (median of paired passes)`;
}

