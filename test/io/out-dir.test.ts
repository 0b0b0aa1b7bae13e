// prepareOutDir: --out is refused on pseudo file systems before anything is created there,
// refused when it is a file or cannot be written (quickly, with the reason), and otherwise
// created and probed without leaving the probe behind.
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutDirError, prepareOutDir, pseudoFileSystem } from '../../src/io/out-dir.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'out-dir-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) {
    await chmod(d, 0o755).catch(() => {});
    await rm(d, { recursive: true, force: true });
  }
});

const isRoot = process.getuid?.() === 0;

describe('prepareOutDir', () => {
  it('creates nested folders and leaves no probe file', async () => {
    const base = await tempDir();
    const out = await prepareOutDir(join(base, 'a', 'b'));
    expect(out).toBe(join(base, 'a', 'b'));
    expect(await readdir(out)).toEqual([]);
  });

  it.each(['/proc/x', '/proc/self/new-folder', '/sys/kernel', '/sys/kernel/x/y', '/dev/shm-not/x'])(
    'refuses %s before creating anything, within a second',
    async (path) => {
      const t0 = performance.now();
      await expect(prepareOutDir(path)).rejects.toThrow(/kernel pseudo file system|pseudo file system/);
      expect(performance.now() - t0).toBeLessThan(1000);
    },
  );

  it('sees through a link into /proc', async () => {
    const base = await tempDir();
    await symlink('/proc/self', join(base, 'link'));
    expect(await pseudoFileSystem(join(base, 'link', 'x'))).toMatch(/proc/);
    expect(await pseudoFileSystem(base)).toBeNull();
  });

  it('refuses a file', async () => {
    const base = await tempDir();
    await writeFile(join(base, 'f'), 'x');
    await expect(prepareOutDir(join(base, 'f'))).rejects.toThrow(OutDirError);
    await expect(prepareOutDir(join(base, 'f', 'sub'))).rejects.toThrow(/cannot create the folder: a part of the path is not a folder$/);
  });

  it.skipIf(isRoot)('refuses a read-only folder (as a non-root user)', async () => {
    const base = await tempDir();
    await mkdir(join(base, 'ro'));
    await chmod(join(base, 'ro'), 0o555);
    await expect(prepareOutDir(join(base, 'ro'))).rejects.toThrow(/cannot write there: permission denied$/);
  });
});
