// Keeps the user's handwriting samples in IndexedDB (a database of their own beside the
// autosave's), so a reload keeps them. What is read back is checked sample by sample: a
// malformed entry is left out, never fatal.
import { readRecord, writeRecord, type IdbPlace } from '../../io/idb-record.ts';
import type { HandwritingSample } from './samples.ts';
import { DIGITS } from '../mnist-style.ts';

/** The handwriting's database: the samples, and the model fine-tuned on them (tuned-store.ts). */
export const HANDWRITING_PLACE: IdbPlace = { db: 'webgpu-mnist-handwriting', store: 'samples' };
const KEY = 'all';
/** The stored record's layout; another version is not read. */
export const STORED_VERSION = 1;

export interface StoredSamples {
  version: number;
  samples: HandwritingSample[];
}

/** The record written for these samples. */
export function storedSamples(samples: readonly HandwritingSample[]): StoredSamples {
  return { version: STORED_VERSION, samples: samples.map((s) => ({ id: s.id, digit: s.digit, ordinal: s.ordinal, image: s.image.slice() })) };
}

function isSample(v: unknown, size: number): v is HandwritingSample {
  const s = v as Partial<HandwritingSample> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.id === 'string' &&
    Number.isInteger(s.digit) &&
    s.digit! >= 0 &&
    s.digit! < DIGITS &&
    Number.isInteger(s.ordinal) &&
    s.ordinal! >= 1 &&
    s.image instanceof Uint8Array &&
    s.image.length === size
  );
}

/** The samples of a stored record (each field `size` bytes); anything else in it is left out. */
export function samplesOfStored(value: unknown, size: number): HandwritingSample[] {
  const r = value as Partial<StoredSamples> | null | undefined;
  if (!r || r.version !== STORED_VERSION || !Array.isArray(r.samples)) return [];
  const ids = new Set<string>();
  return r.samples.filter((s) => isSample(s, size) && !ids.has(s.id) && ids.add(s.id));
}

export function saveSamples(samples: readonly HandwritingSample[]): Promise<void> {
  return writeRecord(HANDWRITING_PLACE, KEY, storedSamples(samples));
}

export async function loadSamples(size: number): Promise<HandwritingSample[]> {
  return samplesOfStored(await readRecord<unknown>(HANDWRITING_PLACE, KEY), size);
}
