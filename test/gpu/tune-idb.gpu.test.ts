// The page's autotuning cache in IndexedDB (the browser of the GPU test project has one).
import { describe, expect, it } from 'vitest';
import { emptyTuneCache, TUNE_CACHE_SCHEMA, TUNE_CACHE_VERSION, type TuneEntry } from '../../src/tune/cache.ts';
import { tuneCacheIndexedDb } from '../../src/tune/idb-store.ts';
import { TuneCacheStore } from '../../src/tune/store.ts';

const entry: TuneEntry = { choice: 'a', candidates: [{ id: 'a', ms: 1 }, { id: 'b', invalid: 'differs' }], timing: 'wall', tunedAt: '2026-12-02T17:00:00.000Z' };

/** Writes `value` as the cache record of database `name`, bypassing the checks (a foreign or old record). */
async function putRaw(name: string, value: unknown): Promise<void> {
  // Creates the database and its object store the way the backend does.
  await tuneCacheIndexedDb(name).read();
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open(name, 1);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  await new Promise<void>((ok, fail) => {
    const tx = db.transaction('autotune', 'readwrite');
    tx.objectStore('autotune').put(value, 'cache');
    tx.oncomplete = () => ok();
    tx.onerror = () => fail(tx.error);
  });
  db.close();
}

describe('the IndexedDB autotuning cache', () => {
  it('starts empty, and keeps what a run recorded for the next one', async () => {
    const name = `autotune-test-${crypto.randomUUID()}`;
    const warnings: string[] = [];
    const store = new TuneCacheStore(tuneCacheIndexedDb(name), (l) => warnings.push(l));
    expect(await store.load()).toEqual(emptyTuneCache());
    await store.record({ k: entry });
    const next = new TuneCacheStore(tuneCacheIndexedDb(name), (l) => warnings.push(l));
    expect(await next.load()).toEqual({ schema: TUNE_CACHE_SCHEMA, version: TUNE_CACHE_VERSION, entries: { k: entry } });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['a record of another schema version', { schema: TUNE_CACHE_SCHEMA, version: 0, entries: {} }, /schema version 0/],
    ['a foreign record', 'hello', /not an autotuning cache of this project/],
    ['a record with a broken entry', { schema: TUNE_CACHE_SCHEMA, version: TUNE_CACHE_VERSION, entries: { k: { choice: 'a' } } }, /entry k: no candidates/],
  ])('ignores %s with one warning and replaces it', async (_what, raw, reason) => {
    const name = `autotune-test-${crypto.randomUUID()}`;
    await putRaw(name, raw);
    const warnings: string[] = [];
    const store = new TuneCacheStore(tuneCacheIndexedDb(name), (l) => warnings.push(l));
    expect(await store.load()).toEqual(emptyTuneCache());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`IndexedDB ${name}/autotune ignored and rebuilt`));
    expect(warnings[0]).toMatch(reason);
    await store.record({});
    expect(await tuneCacheIndexedDb(name).read()).toEqual({ cache: emptyTuneCache(), problem: null });
  });
});
