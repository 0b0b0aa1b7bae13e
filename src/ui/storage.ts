// Autosave in IndexedDB: the latest checkpoint (the trainer's whole state after an epoch, the
// history so far and the run's options), so that a reload or a lost GPU device resumes the
// run exactly where it stopped. A write resolves once its transaction has completed (durably,
// where the browser offers 'strict' durability): only then is the epoch shown.
import type { TrainerState } from '../train/trainer-state.ts';
import type { EpochRecord, TrainOptions } from '../train/types.ts';
import type { AutotuneMode } from '../tune/mode.ts';
import type { TuningHistory } from '../tune/report.ts';
import type { BatchHistory } from './chart-data.ts';
import { deleteRecord, readRecord, writeRecord, type IdbPlace } from '../io/idb-record.ts';

export interface Checkpoint {
  options: TrainOptions;
  evalCount: number;
  /** Epochs done (1-based count). */
  epoch: number;
  history: EpochRecord[];
  /** The parameters (state.params where there is a state; all that older autosaves hold). */
  weights: Float32Array;
  /**
   * What the run continues from exactly: parameters, optimizer moments and step, shuffle RNG
   * (Trainer.exportState). Absent in older autosaves: they resume from the weights alone.
   */
  state?: TrainerState;
  savedAt: number;
  adapter: string;
  /** The batch losses so far, for the batch chart after a reload (absent in older autosaves). */
  batches?: BatchHistory;
  /** The run's "Kernels" choice (absent in older autosaves: then the default). */
  autotune?: AutotuneMode;
  /** How the run's kernels were chosen, as history.json records it (absent until the worker said). */
  tuning?: TuningHistory;
}

/** The autosave: one record in its own database. */
const CHECKPOINTS: IdbPlace = { db: 'webgpu-mnist', store: 'checkpoints' };
const KEY = 'latest';

/** Writes the autosave; resolves once it is kept (the transaction completed). */
export function saveCheckpoint(c: Checkpoint): Promise<void> {
  return writeRecord(CHECKPOINTS, KEY, c);
}

export async function loadCheckpoint(): Promise<Checkpoint | undefined> {
  const c = await readRecord<Checkpoint>(CHECKPOINTS, KEY);
  return c && c.weights instanceof Float32Array && Array.isArray(c.history) ? c : undefined;
}

export function clearCheckpoint(): Promise<void> {
  return deleteRecord(CHECKPOINTS, KEY);
}
