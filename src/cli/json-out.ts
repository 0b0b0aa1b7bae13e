// `--json-out FILE` of `npm run evaluate` and `npm run bench`: the results as JSON in a file the
// user names, whatever npm prints on stdout. The file's folder is checked before any work (a
// usage error, exit code 2), and the file is written atomically (never half-written).
import { access, constants, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { fsReason } from '../io/fs-reason.ts';
import { UsageError } from './cli-error.ts';

/** Throws a UsageError unless `path` can be written: an existing, writable folder, and not a folder itself. */
export async function checkOutputFile(option: string, path: string): Promise<void> {
  const named = `${option} ${path}`;
  if (path.trim() === '') throw new UsageError(`${option}: expected a file name`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory()) throw new UsageError(`${named}: is a folder, not a file`);
  const folder = dirname(resolve(path));
  let info;
  try {
    info = await stat(folder);
  } catch (e) {
    throw new UsageError(`${named}: its folder ${folder}: ${fsReason(e)}`);
  }
  if (!info.isDirectory()) throw new UsageError(`${named}: ${folder} is not a folder`);
  try {
    await access(folder, constants.W_OK);
  } catch (e) {
    throw new UsageError(`${named}: cannot write in ${folder} (${fsReason(e)})`);
  }
}

/** `value` as indented JSON in `path`, written atomically. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
