// Browser-only: the page's autotuning cache, one document in IndexedDB (database
// "webgpu-mnist-trainer", object store "autotune", key "cache"), read and checked like the CLI's file.
import { CACHE_OWNER, emptyTuneCache, parseTuneCache, type TuneCache } from './cache.ts';
import type { TuneCacheBackend } from './store.ts';

export const TUNE_DB_NAME = CACHE_OWNER;
const OBJECT_STORE = 'autotune';
const RECORD_KEY = 'cache';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(name: string): Promise<IDBDatabase> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(OBJECT_STORE)) open.result.createObjectStore(OBJECT_STORE);
  };
  return request(open);
}

async function withStore<T>(name: string, mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb(name);
  try {
    const tx = db.transaction(OBJECT_STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    const [result] = await Promise.all([request(use(tx.objectStore(OBJECT_STORE))), done]);
    return result;
  } finally {
    db.close();
  }
}

/** The cache document in IndexedDB as a store backend (`name`: the database; tests use their own). */
export function tuneCacheIndexedDb(name: string = TUNE_DB_NAME): TuneCacheBackend {
  return {
    where: `IndexedDB ${name}/${OBJECT_STORE}`,
    read: async () => {
      try {
        return parseTuneCache(await withStore(name, 'readonly', (s) => s.get(RECORD_KEY) as IDBRequest<unknown>));
      } catch (e) {
        return { cache: emptyTuneCache(), problem: `cannot read it (${e instanceof Error ? e.message : String(e)})` };
      }
    },
    write: async (cache: TuneCache) => {
      await withStore(name, 'readwrite', (s) => s.put(cache, RECORD_KEY));
    },
  };
}
