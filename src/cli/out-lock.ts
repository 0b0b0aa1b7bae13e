// Node-only: one writer per --out. `npm run train` creates a lock file in its --out folder
// (exclusively: O_EXCL) holding its pid and start time, and removes it when it ends, however it
// ends short of a kill; a second run given the same --out meanwhile is refused. A lock whose
// process is gone (a run killed with SIGKILL), or whose pid now names another process (same
// pid, another start time), is stale and taken over.
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive, processStartTime } from './signals.ts';

export const LOCK_FILE = 'train.lock';

/** A lock younger than this that cannot be read yet may be one being written: it is read again. */
const FRESH_LOCK_MS = 2000;
const REREAD_MS = 100;
const ATTEMPTS = 20;

export class OutDirBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number | null,
  ) {
    super(
      `--out ${dir}: in use by another run of npm run train (${pid === null ? 'pid unknown' : `pid ${pid}`}, lock file ${join(dir, LOCK_FILE)}); ` +
        'wait for it to end or stop it',
    );
    this.name = 'OutDirBusyError';
  }
}

interface Holder {
  pid: number;
  /** processStartTime of the holder when it took the lock (null where there is no /proc). */
  started: string | null;
}

function parseHolder(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (!Number.isInteger(h.pid) || (h.pid as number) <= 0) return null;
    return { pid: h.pid as number, started: typeof h.started === 'string' ? h.started : null };
  } catch {
    return null;
  }
}

/** Whether the process that wrote `holder` still runs (the same process, not a later one with its pid). */
function holderAlive(holder: Holder): boolean {
  if (!isAlive(holder.pid)) return false;
  const now = processStartTime(holder.pid);
  return holder.started === null || now === null || now === holder.started;
}

/** The lock this process holds on a folder: released at exit (also process.exit from a stop). */
export interface OutDirLock {
  readonly path: string;
  /** True when this process created the lock; false when it works under its parent's (joined). */
  readonly owned: boolean;
  /** Removes the lock file if this process created it and it is still its own. */
  release(): void;
}

/**
 * Takes `dir`'s lock for this process. `sameRun` is the pid of a process whose lock this
 * process works under (the --node re-run's parent, which took it): its lock is joined, not
 * refused. Throws OutDirBusyError when a live process of another run holds it.
 */
export async function lockOutDir(dir: string, sameRun: number | null = null): Promise<OutDirLock> {
  const path = join(dir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, started: processStartTime('self') };
  const text = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      return ownedLock(path, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const existing = await readFile(path, 'utf8').catch(() => null);
    if (existing === null) continue; // removed meanwhile: try again
    const holder = parseHolder(existing);
    if (!holder) {
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
      if (age < FRESH_LOCK_MS) {
        await new Promise((r) => setTimeout(r, REREAD_MS));
        continue;
      }
    } else if (holder.pid === process.pid || (holder.pid === sameRun && holderAlive(holder))) {
      return { path, owned: false, release: () => {} };
    } else if (holderAlive(holder)) {
      throw new OutDirBusyError(dir, holder.pid);
    }
    // Stale (its process is gone) or unreadable long after it was written: take it over.
    await rm(path, { force: true });
  }
  throw new OutDirBusyError(dir, null);
}

function ownedLock(path: string, text: string): OutDirLock {
  const release = () => {
    process.off('exit', release);
    try {
      if (existsSync(path) && readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // Gone already, or the folder went away: nothing to release.
    }
  };
  process.on('exit', release);
  return { path, owned: true, release };
}
