// What the page keeps after an epoch, and how a run continues from it: the checkpoint made of
// the run and the state the worker read after the epoch, and the start request that resumes an
// autosave (exactly, from its trainer state; from its weights alone for an autosave that has
// none or a state that does not fit). Pure, Node-testable; storage.ts writes it.
import type { TrainerState } from '../train/trainer-state.ts';
import type { TrainEvent } from '../train/types.ts';
import { DEFAULT_AUTOTUNE } from '../tune/mode.ts';
import type { StartRequest, WorkerToPage } from './protocol.ts';
import type { Run } from './state.ts';
import type { Checkpoint } from './storage.ts';

export type CheckpointMessage = Extract<WorkerToPage, { type: 'checkpoint' }>;

/** What the page adds to a checkpoint besides the run: when, on which adapter, the panels' extras. */
export interface CheckpointContext {
  savedAt: number;
  adapter: string;
  extras: Partial<Checkpoint>;
}

/**
 * The autosave after the epoch of `msg`: the run's history so far with the epoch's record (the
 * page has not shown it yet: its 'epoch' event waits in msg.events until this is kept).
 */
export function checkpointOfEpoch(run: Run, msg: CheckpointMessage, context: CheckpointContext): Checkpoint {
  const c: Checkpoint = {
    options: run.options,
    evalCount: run.evalCount,
    epoch: msg.epoch,
    history: [...run.history.slice(0, msg.epoch - 1), msg.record],
    weights: msg.weights,
    ...(msg.state ? { state: msg.state } : {}),
    savedAt: context.savedAt,
    adapter: context.adapter,
    autotune: run.autotune,
    ...(run.tuning ? { tuning: run.tuning } : {}),
  };
  return Object.assign(c, context.extras);
}

/** The events held back with a checkpoint that a panel's extras must count (the epoch's last batch losses). */
export function heldProgress(events: readonly TrainEvent[]): Extract<TrainEvent, { type: 'progress' }>[] {
  return events.filter((e) => e.type === 'progress');
}

const isU32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/**
 * The autosave's trainer state when a run can continue exactly from it: present (older
 * autosaves have none), of the model's size, after the autosave's epoch, with Adam's second
 * moment where Adam is used. Otherwise undefined: the run resumes from the weights alone.
 */
export function exactState(c: Checkpoint): TrainerState | undefined {
  const s = c.state;
  if (!s || typeof s !== 'object') return undefined;
  const n = c.weights.length;
  const sized = (a: unknown) => a instanceof Float32Array && a.length === n;
  if (!sized(s.params) || !sized(s.moment1) || !(s.moment2 === null || sized(s.moment2))) return undefined;
  if (c.options.optimizer === 'adam' && s.moment2 === null) return undefined;
  if (s.epoch !== c.epoch || !isU32(s.step) || !isU32(s.shuffleRng)) return undefined;
  return s;
}

/** Said where an autosave can resume from its weights only. */
export const WEIGHTS_ONLY_NOTE =
  'This autosave holds the weights only (no optimizer state: saved by an older version of the page, or by a run resumed from such an autosave): ' +
  'resuming starts the optimizer afresh, so the run is not the one that would have happened without the stop.';

/** The note to show with an autosave ('' when it resumes exactly). */
export function resumeNote(c: Checkpoint): string {
  return exactState(c) ? '' : WEIGHTS_ONLY_NOTE;
}

/** The start request that continues the autosaved run `c`. */
export function resumeRequest(c: Checkpoint): Omit<StartRequest, 'type'> {
  const state = exactState(c);
  return {
    options: c.options,
    evalCount: c.evalCount,
    from: state ? { kind: 'state', state } : { kind: 'given', weights: c.weights },
    epochOffset: c.epoch,
    autotune: c.autotune ?? DEFAULT_AUTOTUNE,
  };
}
