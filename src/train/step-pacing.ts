// How the trainer groups training steps into submits. A submitted command buffer cannot be
// recalled, so pause and stop wait for the steps already on the GPU: the groups are kept short
// in time (about TARGET_SUBMIT_MS of GPU work) so that a pause lands within one slow step or a
// fraction of a second of fast ones. Several fast steps still share a submit, and two submits
// stay in flight, so the GPU never waits for JavaScript where that would cost throughput.

/** Most training steps recorded into one command buffer (fast GPUs). */
export const MAX_STEPS_PER_SUBMIT = 8;
/** GPU time one submit aims at: a pause waits for at most two of them (or one slow step). */
export const TARGET_SUBMIT_MS = 50;
/**
 * A step at least this long runs alone with nothing queued behind it: the GPU then idles only
 * for the JavaScript turnaround between steps (well under 1% of such a step), and a pause
 * lands at the very next step boundary.
 */
export const SLOW_STEP_MS = 100;

export interface Pacing {
  /** Steps recorded into one submit. */
  stepsPerSubmit: number;
  /** Submits allowed on the GPU at once (the trainer waits for the oldest beyond this). */
  inFlight: number;
}

/** Before any step was timed: one step alone (it measures the step time). */
export const FIRST_PACING: Pacing = { stepsPerSubmit: 1, inFlight: 1 };

/** The grouping for a measured time per step (ms; GPU time of one training step). */
export function pacingFor(stepMs: number): Pacing {
  if (!(stepMs > 0) || !Number.isFinite(stepMs)) return FIRST_PACING;
  const stepsPerSubmit = Math.max(1, Math.min(MAX_STEPS_PER_SUBMIT, Math.floor(TARGET_SUBMIT_MS / stepMs)));
  return { stepsPerSubmit, inFlight: stepMs >= SLOW_STEP_MS ? 1 : 2 };
}

/** Most steps that can still run after a pause is asked for under this pacing. */
export function stepsAfterPause(p: Pacing): number {
  return p.stepsPerSubmit * p.inFlight;
}

/**
 * Time per step from finished submits. With two submits in flight a submit's GPU work starts
 * when the previous one ends, so its time is measured from the later of its submission and
 * the previous completion. Recent submits weigh most (the machine's load changes).
 */
export class StepClock {
  private lastDone: number | undefined;
  private msPerStep: number | undefined;

  /** A submit of `steps` steps, submitted at `submittedAt`, finished at `doneAt` (ms). */
  record(steps: number, submittedAt: number, doneAt: number): void {
    const start = this.lastDone === undefined ? submittedAt : Math.max(submittedAt, this.lastDone);
    this.lastDone = doneAt;
    const ms = (doneAt - start) / steps;
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    this.msPerStep = this.msPerStep === undefined ? ms : 0.5 * this.msPerStep + 0.5 * ms;
  }

  /** The GPU went idle (a pause): the next submit's time starts at its submission. */
  idle(): void {
    this.lastDone = undefined;
  }

  /** Estimated ms per step, or undefined before the first finished submit. */
  get stepMs(): number | undefined {
    return this.msPerStep;
  }

  get pacing(): Pacing {
    return this.msPerStep === undefined ? FIRST_PACING : pacingFor(this.msPerStep);
  }
}
