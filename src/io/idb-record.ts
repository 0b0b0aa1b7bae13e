// Browser-only: one record in IndexedDB. Every document the page keeps (the autosave, the
// handwriting samples, the autotuning cache) lives in its own database (version 1) with one
// object store; a read or write runs in one transaction and resolves only once that
// transaction has completed (a write with 'strict' durability: on disk, where the browser
// offers it).

/** Where records live: a database with one object store. */
export interface IdbPlace {
  db: string;
  store: string;
}

function openPlace(place: IdbPlace): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(place.db, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(place.store)) req.result.createObjectStore(place.store);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`IndexedDB ${place.db}: cannot open it`));
  });
}

/** Runs `op` in one transaction of `place` and resolves with its result once the transaction has completed. */
export async function withStore<T>(place: IdbPlace, mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await openPlace(place);
  try {
    return await new Promise<T>((resolve, reject) => {
      // 'strict': complete only once the write has reached the disk (browsers without the
      // option ignore it and use their default).
      const tx = mode === 'readwrite' ? db.transaction(place.store, mode, { durability: 'strict' }) : db.transaction(place.store, mode);
      const req = op(tx.objectStore(place.store));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = () => reject(tx.error ?? new Error(`IndexedDB ${place.db}/${place.store}: the transaction failed`));
      tx.onabort = () => reject(tx.error ?? new Error(`IndexedDB ${place.db}/${place.store}: the transaction was aborted`));
    });
  } finally {
    db.close();
  }
}

/** The record under `key`, or undefined. */
export function readRecord<T>(place: IdbPlace, key: string): Promise<T | undefined> {
  return withStore<T | undefined>(place, 'readonly', (s) => s.get(key));
}

/** Writes the record under `key`; resolves once it is kept. */
export async function writeRecord(place: IdbPlace, key: string, value: unknown): Promise<void> {
  await withStore<unknown>(place, 'readwrite', (s) => s.put(value, key));
}

/** Removes the record under `key`; resolves once it is gone. */
export async function deleteRecord(place: IdbPlace, key: string): Promise<void> {
  await withStore<unknown>(place, 'readwrite', (s) => s.delete(key));
}
