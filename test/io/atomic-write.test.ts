// writeFileAtomic: the old bytes stay in place until the new ones, flushed in a temporary file
// beside them, are renamed over them; a failed write leaves the old file and no temporary one.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncDirectory, temporaryPathOf, writeFileAtomic } from '../../src/io/atomic-write.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('keeps the old bytes in place until the new ones, complete in the temporary file, are renamed over them', async () => {
    const path = join(dir, 'file.bin');
    await writeFile(path, 'old');
    const seen: string[] = [];
    await writeFileAtomic(path, 'new bytes', {
      beforeRename: async () => {
        seen.push(await readFile(path, 'utf8'), await readFile(temporaryPathOf(path), 'utf8'));
      },
    });
    expect(seen).toEqual(['old', 'new bytes']);
    expect(await readFile(path, 'utf8')).toBe('new bytes');
    expect(await readdir(dir)).toEqual(['file.bin']);
  });

  it('leaves the old file and no temporary one when the write fails before the rename', async () => {
    const path = join(dir, 'file.bin');
    await writeFile(path, 'old');
    const failing = writeFileAtomic(path, 'new', { beforeRename: () => Promise.reject(new Error('disk full')) });
    await expect(failing).rejects.toThrow('disk full');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['file.bin']);
  });

  it('flushes a folder; a missing one is an error', async () => {
    await expect(syncDirectory(dir)).resolves.toBeUndefined();
    await expect(syncDirectory(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
