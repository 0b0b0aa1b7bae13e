// Node-only: checks that an output folder can be written before any GPU work: pseudo file
// systems (/proc, /sys, /dev, ...) are refused before anything is created there, then the
// folder is created and a probe file written and removed.
import { mkdir, realpath, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fsReason } from './fs-reason.ts';

export class OutDirError extends Error {
  constructor(
    path: string,
    /** What is wrong with the folder, without its name. */
    readonly problem: string,
  ) {
    super(`--out ${path}: ${problem}`);
    this.name = 'OutDirError';
  }
}

/** Folders whose file systems hold no ordinary files (Linux). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** statfs f_type of kernel pseudo file systems (linux/magic.h). tmpfs is allowed (/tmp). */
const PSEUDO_FS_TYPES = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0x65735543, 'fusectl'],
  [0xde5e81e0, 'efivarfs'],
]);

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** The nearest existing folder at or above `path`. */
async function nearestExisting(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    try {
      await stat(p);
      return p;
    } catch {
      if (dirname(p) === p) return p;
    }
  }
}

/** The pseudo file system `path` would be on, or null for an ordinary one. */
export async function pseudoFileSystem(path: string): Promise<string | null> {
  const abs = resolve(path);
  const existing = await realpath(await nearestExisting(abs)).catch(() => abs);
  for (const p of [abs, existing]) {
    const root = PSEUDO_ROOTS.find((r) => under(p, r));
    if (root) return `${root} (a kernel pseudo file system)`;
  }
  try {
    const type = PSEUDO_FS_TYPES.get(Number((await statfs(existing)).type));
    return type ? `a ${type} pseudo file system` : null;
  } catch {
    return null;
  }
}

/**
 * Makes sure `path` is a folder this process can write: refuses pseudo file systems, creates
 * it, writes and removes a probe file. Returns the absolute path; throws OutDirError.
 */
export async function prepareOutDir(path: string): Promise<string> {
  const abs = resolve(path);
  const pseudo = await pseudoFileSystem(abs);
  if (pseudo) throw new OutDirError(path, `is on ${pseudo}, not a place for files`);
  try {
    await mkdir(abs, { recursive: true });
  } catch (e) {
    throw new OutDirError(path, `cannot create the folder: ${fsReason(e)}`);
  }
  if (!(await stat(abs)).isDirectory()) throw new OutDirError(path, 'is not a folder');
  const probe = join(abs, `.write-probe-${process.pid}`);
  try {
    await writeFile(probe, 'probe');
  } catch (e) {
    throw new OutDirError(path, `cannot write there: ${fsReason(e)}`);
  } finally {
    await rm(probe, { force: true }).catch(() => {});
  }
  return abs;
}
