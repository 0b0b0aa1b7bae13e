// What every layer builder shares: the GPU context and the prepared dispatches it returns.
import type { TgpuRoot } from 'typegpu';
import type { Dispatch } from '../gpu/kernel.ts';

export interface GpuContext {
  root: TgpuRoot;
  device: GPUDevice;
}

/** A layer's prepared dispatches, built once (for its plan's largest batch; the plan re-sizes them) and replayed every step. */
export interface LayerPlan {
  /** Training-mode forward pass. */
  forward: Dispatch[];
  /** Backward pass (gradients of inputs and parameters). */
  backward: Dispatch[];
  /** Releases the buffers the layer allocated for itself (scratch, argmax, partial sums). */
  destroy(): void;
}
