// Autosave in IndexedDB: the latest checkpoint (the trainer's whole state after an epoch, the
// history so far and the run's options), so that a reload or a lost GPU device resumes the
// run exactly where it stopped. A write resolves once its transaction has completed (durably,
// where the browser offers 'strict' durability): only then is the epoch shown.
import type { TrainerState } from '../train/trainer-state.ts';
import type { EpochRecord, TrainOptions } from '../train/types.ts';
import type { AutotuneMode } from '../tune/mode.ts';
import type { TuningHistory } from '../tune/report.ts';
import type { BatchHistory } from './chart-data.ts';

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

const DB = 'webgpu-mnist';
const STORE = 'checkpoints';
const KEY = 'latest';

/** Where a record lives: a database (version 1) with one object store. */
export interface IdbPlace {
  db: string;
  store: string;
}

const CHECKPOINTS: IdbPlace = { db: DB, store: STORE };

function open(place: IdbPlace): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(place.db, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(place.store);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
  });
}

/** Runs `op` in one transaction and resolves with its result once the transaction has completed. */
export async function withStore<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest, place: IdbPlace = CHECKPOINTS): Promise<T> {
  const db = await open(place);
  try {
    return await new Promise<T>((resolve, reject) => {
      // 'strict': complete only once the write has reached the disk (browsers without the
      // option ignore it and use their default).
      const tx = mode === 'readwrite' ? db.transaction(place.store, mode, { durability: 'strict' }) : db.transaction(place.store, mode);
      const req = op(tx.objectStore(place.store));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** Writes the autosave; resolves once it is kept (the transaction completed). */
export function saveCheckpoint(c: Checkpoint): Promise<void> {
  return withStore<unknown>('readwrite', (s) => s.put(c, KEY)).then(() => undefined);
}

export async function loadCheckpoint(): Promise<Checkpoint | undefined> {
  const c = await withStore<Checkpoint | undefined>('readonly', (s) => s.get(KEY));
  return c && c.weights instanceof Float32Array && Array.isArray(c.history) ? c : undefined;
}

export function clearCheckpoint(): Promise<void> {
  return withStore<unknown>('readwrite', (s) => s.delete(KEY)).then(() => undefined);
}
