// Node-only: the CLI's autotuning cache, a JSON file in the user's cache folder (user-cache.ts):
// $XDG_CACHE_HOME/webgpu-mnist-trainer/autotune.json, else ~/.cache/webgpu-mnist-trainer/autotune.json.
// A corrupt or foreign file is ignored with one warning and written anew (atomically).
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { formatCount, MAX_JSON_BYTES } from '../io/load-limits.ts';
import { userCacheDir } from '../io/user-cache.ts';
import { emptyTuneCache, parseTuneCacheText, type ParsedTuneCache, type TuneCache } from './cache.ts';
import type { TuneCacheBackend } from './store.ts';

export const TUNE_CACHE_FILE = 'autotune.json';

/** Where the cache file lives ($XDG_CACHE_HOME when set to an absolute path, as the XDG spec asks). */
export function tuneCachePath(env: NodeJS.ProcessEnv = process.env, home?: string): string {
  return join(userCacheDir(env, home), TUNE_CACHE_FILE);
}

/** Reads and checks the file; a missing file is an empty cache, an unreadable or bad one a problem. */
export async function readTuneCacheFile(path: string): Promise<ParsedTuneCache> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { cache: emptyTuneCache(), problem: 'cannot read it (not a regular file)' };
    // Larger than any JSON document read: refused without reading it.
    if (info.size > MAX_JSON_BYTES) return { cache: emptyTuneCache(), problem: `${formatCount(info.size)} bytes, more than the ${formatCount(MAX_JSON_BYTES)} it may have` };
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { cache: emptyTuneCache(), problem: null };
    return { cache: emptyTuneCache(), problem: `cannot read it (${e instanceof Error ? e.message : String(e)})` };
  }
  return parseTuneCacheText(bytes);
}

export async function writeTuneCacheFile(path: string, cache: TuneCache): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(cache, null, 2)}\n`);
}

/** The cache file at `path` as a store backend. */
export function tuneCacheFile(path: string = tuneCachePath()): TuneCacheBackend {
  return { where: path, read: () => readTuneCacheFile(path), write: (cache) => writeTuneCacheFile(path, cache) };
}
