import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  emptyTuneCache,
  lookupTuneEntry,
  mergeTuneEntries,
  parseTuneCache,
  parseTuneCacheText,
  TUNE_CACHE_SCHEMA,
  TUNE_CACHE_VERSION,
  type TuneEntry,
} from '../../src/tune/cache.ts';
import { tuneCacheFile, tuneCachePath } from '../../src/tune/cache-file.ts';
import { TuneCacheStore } from '../../src/tune/store.ts';

const entry: TuneEntry = {
  choice: 'fast',
  candidates: [
    { id: 'general', ms: 2.5 },
    { id: 'fast', ms: 1.25 },
    { id: 'wrong', invalid: 'output differs from the reference' },
  ],
  timing: 'timestamp',
  tunedAt: '2026-12-02T17:00:00.000Z',
};
const doc = { schema: TUNE_CACHE_SCHEMA, version: TUNE_CACHE_VERSION, entries: { k1: entry } };

describe('the cache document', () => {
  it('reads back what it wrote', () => {
    expect(parseTuneCacheText(JSON.stringify(doc))).toEqual({ cache: doc, problem: null });
    expect(parseTuneCache(undefined)).toEqual({ cache: emptyTuneCache(), problem: null });
  });

  it.each([
    ['text that is not JSON', '{"schema": "webgpu-mn', /not valid JSON/],
    ['an empty file', '', /not valid JSON/],
    ['binary data', '\u0089PNG\r\n\u001a\n\u0000', /not a JSON file/],
    ['JSON nested too deep', '['.repeat(100_000), /nested more than 64 levels/],
    ["another program's JSON", '{"version": 1, "entries": {}}', /not an autotuning cache of this project/],
    ['an array', '[]', /not an autotuning cache/],
    ['another schema version', JSON.stringify({ ...doc, version: 2 }), /schema version 2, expected 1/],
    ['an entry without a choice', JSON.stringify({ ...doc, entries: { k: { ...entry, choice: undefined } } }), /entry k: no choice/],
    ['a choice that was not timed', JSON.stringify({ ...doc, entries: { k: { ...entry, choice: 'wrong' } } }), /choice wrong is not a timed candidate/],
    ['a negative time', JSON.stringify({ ...doc, entries: { k: { ...entry, candidates: [{ id: 'fast', ms: -1 }] } } }), /bad time -1/],
    ['a bad timing method', JSON.stringify({ ...doc, entries: { k: { ...entry, timing: 'guess' } } }), /bad timing method guess/],
  ])('ignores %s, with the reason', (_what, text, reason) => {
    const parsed = parseTuneCacheText(text);
    expect(parsed.cache).toEqual(emptyTuneCache());
    expect(parsed.problem).toMatch(reason);
  });

  it('finds an entry only for its key and exactly the candidates it measured', () => {
    const cache = parseTuneCache(doc).cache;
    expect(lookupTuneEntry(cache, 'k1', ['wrong', 'general', 'fast'])).toEqual(entry);
    expect(lookupTuneEntry(cache, 'k2', ['wrong', 'general', 'fast'])).toBeUndefined();
    expect(lookupTuneEntry(cache, 'k1', ['general', 'fast'])).toBeUndefined();
    expect(lookupTuneEntry(cache, 'k1', ['general', 'fast', 'wrong', 'new'])).toBeUndefined();
    expect(lookupTuneEntry(cache, 'toString', ['general'])).toBeUndefined();
  });

  it('merges new entries over old ones without changing the old document', () => {
    const cache = parseTuneCache(doc).cache;
    const newer = { ...entry, choice: 'general' };
    const merged = mergeTuneEntries(cache, { k1: newer, k2: entry });
    expect(merged.entries).toEqual({ k1: newer, k2: entry });
    expect(cache.entries).toEqual({ k1: entry });
  });
});

describe('the cache file', () => {
  it('lives in $XDG_CACHE_HOME when it is an absolute path, else in ~/.cache', () => {
    expect(tuneCachePath({ XDG_CACHE_HOME: '/x/cache' }, '/home/u')).toBe('/x/cache/webgpu-mnist-trainer/autotune.json');
    expect(tuneCachePath({}, '/home/u')).toBe('/home/u/.cache/webgpu-mnist-trainer/autotune.json');
    expect(tuneCachePath({ XDG_CACHE_HOME: '' }, '/home/u')).toBe('/home/u/.cache/webgpu-mnist-trainer/autotune.json');
    expect(tuneCachePath({ XDG_CACHE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.cache/webgpu-mnist-trainer/autotune.json');
  });

  it('starts empty without a file, creates its folder on the first write and reads the entries back', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'autotune-')), 'a', 'b', 'autotune.json');
    const warnings: string[] = [];
    const store = new TuneCacheStore(tuneCacheFile(path), (l) => warnings.push(l));
    expect(await store.load()).toEqual(emptyTuneCache());
    await store.record({}); // nothing new: nothing written
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
    await store.record({ k1: entry });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(doc);
    const again = new TuneCacheStore(tuneCacheFile(path), (l) => warnings.push(l));
    expect(await again.load()).toEqual(doc);
    expect(warnings).toEqual([]);
  });

  it('ignores a corrupt file with one warning, rebuilds it (atomically, no temporary file left) and keeps new entries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autotune-'));
    const path = join(dir, 'autotune.json');
    await writeFile(path, '{"schema": "webgpu-mnist-trainer/autotune", "version": 1, "entr');
    const warnings: string[] = [];
    const store = new TuneCacheStore(tuneCacheFile(path), (l) => warnings.push(l));
    expect(await store.load()).toEqual(emptyTuneCache());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`autotuning cache ${path} ignored and rebuilt: not valid JSON`));
    await store.record({}); // the ignored file is replaced even when nothing new was measured
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(emptyTuneCache());
    await store.record({ k1: entry });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(doc);
    expect(await readdir(dir)).toEqual(['autotune.json']);
    expect(warnings).toHaveLength(1);
  });

  it('reports a file it cannot read as a problem, and a failed write through record()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autotune-'));
    const path = join(dir, 'autotune.json');
    await mkdir(path); // a folder where the file should be
    const warnings: string[] = [];
    const store = new TuneCacheStore(tuneCacheFile(path), (l) => warnings.push(l));
    await store.load();
    expect(warnings[0]).toMatch(/cannot read it/);
    await expect(store.record({ k1: entry })).rejects.toThrow();
    await store.settled();
  });
});
