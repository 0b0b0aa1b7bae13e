// The autotuning cache: one versioned JSON document mapping a tuning key (src/tune/key.ts) to
// the kernel chosen for it and the candidates' measured times. The CLI keeps it in a file
// (cache-file.ts), the page in IndexedDB (idb-store.ts); both read it through parseTuneCache,
// which turns a corrupt or foreign document into an empty cache and a warning.

import { parseJsonContent } from '../io/json-content.ts';

/** The project's name where the cache is kept: the cache folder, the IndexedDB database. */
export const CACHE_OWNER = 'webgpu-mnist-trainer';
/** Names this project's document among other JSON; a different one is foreign. */
export const TUNE_CACHE_SCHEMA = `${CACHE_OWNER}/autotune` as const;
export const TUNE_CACHE_VERSION = 1;

export type TimingMethod = 'timestamp' | 'wall';

/** One candidate's outcome: its median time per run, or why it may not be used. */
export type CandidateOutcome = { id: string; ms: number } | { id: string; invalid: string };

export interface TuneEntry {
  /** The winning candidate's id. */
  choice: string;
  /** Every candidate that was considered, in the slot's order. */
  candidates: CandidateOutcome[];
  timing: TimingMethod;
  /** ISO 8601 time of the measurement. */
  tunedAt: string;
}

export interface TuneCache {
  schema: typeof TUNE_CACHE_SCHEMA;
  version: typeof TUNE_CACHE_VERSION;
  entries: Record<string, TuneEntry>;
}

export function emptyTuneCache(): TuneCache {
  return { schema: TUNE_CACHE_SCHEMA, version: TUNE_CACHE_VERSION, entries: {} };
}

export interface ParsedTuneCache {
  cache: TuneCache;
  /** Why the document was ignored (it is then rebuilt from empty), or null. */
  problem: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function outcomeProblem(o: unknown): string | null {
  if (!isObject(o) || typeof o.id !== 'string' || o.id === '') return 'a candidate without an id';
  if ('ms' in o) return typeof o.ms === 'number' && Number.isFinite(o.ms) && o.ms >= 0 ? null : `candidate ${o.id}: bad time ${String(o.ms)}`;
  return typeof o.invalid === 'string' ? null : `candidate ${o.id}: neither a time nor a reason it is invalid`;
}

function entryProblem(e: unknown): string | null {
  if (!isObject(e)) return 'not an object';
  if (typeof e.choice !== 'string') return 'no choice';
  if (!Array.isArray(e.candidates)) return 'no candidates';
  for (const o of e.candidates) {
    const why = outcomeProblem(o);
    if (why) return why;
  }
  const chosen = (e.candidates as CandidateOutcome[]).find((o) => o.id === e.choice);
  if (!chosen || !('ms' in chosen)) return `choice ${e.choice} is not a timed candidate`;
  if (e.timing !== 'timestamp' && e.timing !== 'wall') return `bad timing method ${String(e.timing)}`;
  if (typeof e.tunedAt !== 'string') return 'no tunedAt';
  return null;
}

/** Checks a document read from the file or IndexedDB (undefined: none was stored). */
export function parseTuneCache(doc: unknown): ParsedTuneCache {
  const ignored = (why: string): ParsedTuneCache => ({ cache: emptyTuneCache(), problem: why });
  if (doc === undefined) return { cache: emptyTuneCache(), problem: null };
  if (!isObject(doc) || doc.schema !== TUNE_CACHE_SCHEMA) return ignored('not an autotuning cache of this project');
  if (doc.version !== TUNE_CACHE_VERSION) return ignored(`schema version ${String(doc.version)}, expected ${TUNE_CACHE_VERSION}`);
  if (!isObject(doc.entries)) return ignored('no entries');
  for (const [key, entry] of Object.entries(doc.entries)) {
    const why = entryProblem(entry);
    if (why) return ignored(`entry ${key}: ${why}`);
  }
  return { cache: { schema: TUNE_CACHE_SCHEMA, version: TUNE_CACHE_VERSION, entries: { ...(doc.entries as Record<string, TuneEntry>) } }, problem: null };
}

/** Parses the text of a cache file (empty or unparsable text is a problem, not an exception). */
export function parseTuneCacheText(text: Uint8Array | string): ParsedTuneCache {
  let doc: unknown;
  try {
    doc = parseJsonContent(text);
  } catch (e) {
    return { cache: emptyTuneCache(), problem: e instanceof Error ? e.message : String(e) };
  }
  return parseTuneCache(doc);
}

/**
 * The cached entry for `key`, if it was measured over exactly these candidates (a kernel added
 * to or removed from the registry since makes it stale).
 */
export function lookupTuneEntry(cache: TuneCache, key: string, candidateIds: readonly string[]): TuneEntry | undefined {
  const entry = Object.hasOwn(cache.entries, key) ? cache.entries[key] : undefined;
  if (!entry) return undefined;
  const cached = entry.candidates.map((c) => c.id).sort();
  const now = [...candidateIds].sort();
  return cached.length === now.length && cached.every((id, i) => id === now[i]) ? entry : undefined;
}

/** `cache` with `updates` written over its entries (a new document; `cache` is unchanged). */
export function mergeTuneEntries(cache: TuneCache, updates: Record<string, TuneEntry>): TuneCache {
  return { ...cache, entries: { ...cache.entries, ...updates } };
}
