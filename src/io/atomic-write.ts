// Node-only: writes a file so that a crash or a kill mid-write never leaves it half-written:
// the bytes go to a temporary file beside it, are flushed to disk, then renamed over it
// (rename is atomic within a directory).
import { open, rename, rm } from 'node:fs/promises';

/** Writes `data` to `path` atomically (temp file in the same folder + fsync + rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
}
