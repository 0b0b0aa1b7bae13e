// Node-only: the project's folder in the user's cache, $XDG_CACHE_HOME/webgpu-mnist-trainer
// when XDG_CACHE_HOME is an absolute path (as the XDG spec asks), else
// ~/.cache/webgpu-mnist-trainer. The autotuning cache and the packed datasets live there.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CACHE_OWNER } from '../tune/cache.ts';

export function userCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.cache');
  return join(base, CACHE_OWNER);
}
