// Node-only: the CLI's autotuning cache, a JSON file in the user's cache folder:
// $XDG_CACHE_HOME/webgpu-mnist-trainer/autotune.json, else ~/.cache/webgpu-mnist-trainer/autotune.json.
// A corrupt or foreign file is ignored with one warning and written anew (atomically).
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { CACHE_OWNER, emptyTuneCache, parseTuneCacheText, type ParsedTuneCache, type TuneCache } from './cache.ts';
import type { TuneCacheBackend } from './store.ts';

export const TUNE_CACHE_FILE = 'autotune.json';

/** Where the cache file lives ($XDG_CACHE_HOME when set to an absolute path, as the XDG spec asks). */
export function tuneCachePath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.cache');
  return join(base, CACHE_OWNER, TUNE_CACHE_FILE);
}

/** Reads and checks the file; a missing file is an empty cache, an unreadable or bad one a problem. */
export async function readTuneCacheFile(path: string): Promise<ParsedTuneCache> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { cache: emptyTuneCache(), problem: null };
    return { cache: emptyTuneCache(), problem: `cannot read it (${e instanceof Error ? e.message : String(e)})` };
  }
  return parseTuneCacheText(text);
}

export async function writeTuneCacheFile(path: string, cache: TuneCache): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(cache, null, 2)}\n`);
}

/** The cache file at `path` as a store backend. */
export function tuneCacheFile(path: string = tuneCachePath()): TuneCacheBackend {
  return { where: path, read: () => readTuneCacheFile(path), write: (cache) => writeTuneCacheFile(path, cache) };
}
