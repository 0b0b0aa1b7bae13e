// Node-only: writes a file so that a crash or a kill mid-write never leaves it half-written:
// the bytes go to a temporary file beside it, are flushed to disk, then renamed over it
// (rename is atomic within a directory), and the directory is flushed so that the rename
// itself survives a power loss.
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** Awaited between the flushed temporary file and the rename (tests use it to widen that window). */
  beforeRename?: () => Promise<void>;
}

/** The temporary file `writeFileAtomic` writes `path`'s bytes to first. */
export function temporaryPathOf(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/**
 * Flushes a directory's entries (a rename into it) to disk. Systems that cannot open a
 * directory for that (Windows) make renames durable themselves: nothing to do there.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (e) {
    if (process.platform === 'win32') return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    // Some file systems refuse fsync on a directory (EINVAL): their renames are as durable as they get.
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `path` atomically and durably (temp file in the same folder + fsync + rename + fsync of the folder). */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = temporaryPathOf(path);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeRename?.();
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
  await syncDirectory(dirname(path));
}
