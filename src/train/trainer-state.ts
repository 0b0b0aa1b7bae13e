// The state a training run continues from (Trainer.exportState / importState): plain data, no
// GPU, so the CLI's checkpoint files and the page's autosave can hold it.

/**
 * Everything a run needs to continue exactly where it stopped (after `epoch` epochs): the
 * parameters, the optimizer moments (Adam m and v; SGD velocity in moment1), the optimizer
 * step (Adam's t and the dropout RNG's step) and the shuffle RNG state.
 */
export interface TrainerState {
  /** Finished epochs. */
  epoch: number;
  /** Training steps done so far (StepState.step). */
  step: number;
  /** The epoch-shuffle RNG's state (Rng.getState). */
  shuffleRng: number;
  params: Float32Array; // (model.params.length)
  moment1: Float32Array; // (model.params.length) Adam m / SGD velocity
  /** Adam v; null for SGD (which has no second moment). */
  moment2: Float32Array | null; // (model.params.length)
}

/** The state of the epoch-shuffle RNG of a fresh run with this seed. */
export function freshShuffleState(seed: number): number {
  return (seed ^ 0x5eed) >>> 0;
}

/** The first NaN or infinite value of a state, described ("parameter 12 is NaN"), or null. */
export function firstNonFiniteValue(s: TrainerState): string | null {
  for (const [name, a] of [['parameter', s.params], ['moment1', s.moment1], ['moment2', s.moment2]] as const) {
    if (!a) continue;
    const i = a.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) return `${name} ${i} is ${a[i]}`;
  }
  return null;
}
