// What the autotuner tunes: slots (one layer's pass at one batch size) and their candidate
// kernels. The kernel registry's enumeration of a model's tunable slots is adapted to these
// types (src/tune/plan-slots.ts); the tuner knows nothing else of layers or kernels.
import type { Dispatch } from '../gpu/kernel.ts';
import type { PlanKind } from '../gpu/kernel-registry.ts';

/** A candidate kernel built for its slot: its pipelines and bind groups exist, ready to replay. */
export interface BuiltCandidate {
  /** One run of the slot's pass with this kernel; replayed as-is (N times per submit when timed). */
  dispatches: readonly Dispatch[];
  /** The pass's output after a run, in the layout every candidate of the slot shares. */
  readOutput(): Promise<Float32Array>;
  /**
   * What timing replays (default: `dispatches`): e.g. the slot's own kernel, where `dispatches`
   * is a whole plan run around it. Replayed after a run of `dispatches`, on what that run left.
   */
  timed?: readonly Dispatch[];
  /** Frees what build() created (the slot's shared buffers stay). */
  destroy(): void;
}

/** A range of a slot's output values: [start, start + length). */
export interface OutputPart {
  name: string;
  start: number;
  length: number;
}

export interface TuneCandidate {
  /** Registry entry id, e.g. "conv2d_forward_tile5x5". */
  id: string;
  /** Creates the candidate's GPU objects once; may throw when the kernel cannot be built. */
  build(): BuiltCandidate | Promise<BuiltCandidate>;
}

export interface TuneSlot {
  /** Layer name in the model, e.g. "conv2d_1". */
  layer: string;
  /** Layer type, e.g. "Conv2D". */
  type: string;
  /** The pass, e.g. "forward", "backward_input". */
  pass: string;
  /** The plan the layer's pass runs in: the training step's or evaluation's. */
  plan: PlanKind;
  /** The layer configuration the kernel sees (shapes, activation...); part of the cache key. */
  config: unknown;
  batch: number;
  /** Every registered kernel that supports this slot, the reference among them. */
  candidates: readonly TuneCandidate[];
  /** Id of the general kernel every other candidate's output is checked against. */
  reference: string;
  /** Id the fixed rules choose (used when tuning is off or nothing could be measured). */
  fixed: string;
  /** Reduction length behind each output element (the tolerance grows with its square root). */
  reductionLength: number;
  /**
   * Parts of the output with scales of their own (e.g. the logits and each tensor's gradient),
   * each held to the tolerance at its own largest magnitude; default: the output as one part.
   */
  outputParts?: readonly OutputPart[];
  /**
   * Fills every buffer the pass reads with the same random values for `seed`, and clears what it
   * writes, so that each candidate runs on identical inputs.
   */
  reset(seed: number): void;
  /** Frees the slot's shared buffers. */
  destroy(): void;
}
