// Keeps the model fine-tuned on the user's handwriting in IndexedDB (beside the samples), with
// the weights it replaced, so that a reload brings the tuned model back and "Use the model
// before fine-tuning" still works. The page's arrival takes the newer of this and the autosave.
// What is read back is checked: a malformed record is ignored, never fatal.
import { deleteRecord, readRecord, writeRecord } from '../../io/idb-record.ts';
import type { ModelSpec } from '../../model/model-spec.ts';
import type { ActiveModel } from '../state.ts';
import { HANDWRITING_PLACE } from './sample-store.ts';

const KEY = 'tuned';
/** The stored record's layout; another version is not read. */
const TUNED_VERSION = 1;
/** How the page names the tuned model once it is the active one. */
export const TUNED_LABEL = 'fine-tuned on your handwriting';

export interface TunedModel {
  version: number;
  /** The network (the tuned and the previous weights both belong to it). */
  spec: ModelSpec;
  weights: Float32Array;
  /** The weights the tuned model replaced, and how the page named that model. */
  previous: { weights: Float32Array; active: ActiveModel };
  /** The model status line shown while the tuned model is active. */
  status: string;
  /** Date.now() when it was kept (compared with the autosave's savedAt). */
  savedAt: number;
}

export function tunedModel(spec: ModelSpec, weights: Float32Array, previous: TunedModel['previous'], status: string): TunedModel {
  return { version: TUNED_VERSION, spec, weights, previous, status, savedAt: Date.now() };
}

function isTunedModel(v: unknown): v is TunedModel {
  const t = v as Partial<TunedModel> | null | undefined;
  return (
    !!t &&
    t.version === TUNED_VERSION &&
    typeof t.spec === 'object' &&
    t.spec !== null &&
    t.weights instanceof Float32Array &&
    t.previous?.weights instanceof Float32Array &&
    t.previous.weights.length === t.weights.length &&
    typeof t.previous.active?.kind === 'string' &&
    typeof t.status === 'string' &&
    typeof t.savedAt === 'number'
  );
}

export function saveTunedModel(t: TunedModel): Promise<void> {
  return writeRecord(HANDWRITING_PLACE, KEY, t);
}

/** The kept tuned model, or undefined (none, unreadable, or no IndexedDB). */
export async function loadTunedModel(): Promise<TunedModel | undefined> {
  const t = await readRecord<unknown>(HANDWRITING_PLACE, KEY).catch(() => undefined);
  return isTunedModel(t) ? t : undefined;
}

export function forgetTunedModel(): Promise<void> {
  return deleteRecord(HANDWRITING_PLACE, KEY);
}
