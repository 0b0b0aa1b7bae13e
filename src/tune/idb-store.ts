// Browser-only: the page's autotuning cache, one document in IndexedDB (database
// "webgpu-mnist-trainer", object store "autotune", key "cache"), read and checked like the CLI's file.
import { CACHE_OWNER, emptyTuneCache, parseTuneCache, type TuneCache } from './cache.ts';
import type { TuneCacheBackend } from './store.ts';
import { readRecord, writeRecord } from '../io/idb-record.ts';

export const TUNE_DB_NAME = CACHE_OWNER;
const OBJECT_STORE = 'autotune';
const RECORD_KEY = 'cache';

/** The cache document in IndexedDB as a store backend (`name`: the database; tests use their own). */
export function tuneCacheIndexedDb(name: string = TUNE_DB_NAME): TuneCacheBackend {
  const place = { db: name, store: OBJECT_STORE };
  return {
    where: `IndexedDB ${name}/${OBJECT_STORE}`,
    read: async () => {
      try {
        return parseTuneCache(await readRecord<unknown>(place, RECORD_KEY));
      } catch (e) {
        return { cache: emptyTuneCache(), problem: `cannot read it (${e instanceof Error ? e.message : String(e)})` };
      }
    },
    write: async (cache: TuneCache) => {
      await writeRecord(place, RECORD_KEY, cache);
    },
  };
}
