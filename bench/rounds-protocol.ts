// The contract between the interleaved rounds' driver (bench/rounds.ts, Node) and our side's
// page (bench/rounds-page.ts): prepare a model's training step, then time runs of it and of
// its inference.
// Browser-safe: types and constants only. The TensorFlow.js peers' side of the same rounds is
// bench/peers/tfjs-protocol.ts (TfjsSessionApi).
import type { Check } from './validate-step.ts';

export interface RoundsPrepareRequest {
  /** A Keras Sequential config (models/*.json or a model.json topology). */
  modelConfig: unknown;
  batch: number;
  seed: number;
}

export interface RoundsPrepared {
  /** Parameters of the model (trainable and not), as Keras counts them. */
  params: number;
  /** The WebGPU adapter, one line. */
  adapter: string;
  /** The first training step checked layer by layer against the float64 reference (timing follows only if every row is ok). */
  validation: Check[];
}

export interface RoundsPageApi {
  /** Builds the model's training step (replacing any previous one) and validates its first step. */
  prepare(request: RoundsPrepareRequest): Promise<RoundsPrepared>;
  /** Runs `steps` training steps; the wall-clock ms until the GPU finished them. */
  steps(steps: number): Promise<number>;
  /**
   * Classifies the first `images` test images with the prepared model's current weights, the
   * way the product predicts (GpuModel.predict, probabilities read back); the wall-clock ms.
   */
  infer(images: number): Promise<number>;
}

export const ROUNDS_API_GLOBAL = '__benchRounds';
