// The per-run training state that lives on the GPU, so that several steps can share one
// submit without any upload between them.
import * as d from 'typegpu/data';

/**
 * StepState (one per trainer), read by every kernel that needs to know where it is:
 * - step: the optimizer step t, 1-based during a step (step_begin increments it first);
 *   Adam's bias correction and the dropout RNG use it;
 * - batch: the batch number within the epoch (gather reads indices[batch * B + i]; the
 *   loss kernel writes its per-batch sums at [batch]); step_end increments it; the host
 *   writes 0 at the start of each epoch;
 * - seed: the run's dropout seed.
 */
export const StepState = d
  .struct({
    step: d.u32,
    batch: d.u32,
    seed: d.u32,
    pad: d.u32,
  })
  .$name('StepState');
