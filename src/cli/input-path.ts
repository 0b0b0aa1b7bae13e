// The files a command line names as input (--model, --init, evaluate's PATH): checked before
// any loader or GPU work, each problem one UsageError (exit code 2) naming the option and the
// path once, in words (no errno codes); and the loaders' own messages with the path not
// repeated.
import { access, constants, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fsReason } from '../io/fs-reason.ts';
import { UsageError } from './cli-error.ts';

/** "--init PATH" (or just "PATH" for a command's own argument): how errors name the input. */
export function inputName(option: string | null, path: string): string {
  return option ? `${option} ${path}` : path;
}

/**
 * Throws a UsageError unless `path` is a readable regular file, or, where `folderFile` is
 * given, a folder holding a readable file of that name.
 */
export async function checkInputPath(option: string | null, path: string, folderFile?: string): Promise<void> {
  const named = inputName(option, path);
  let file = path;
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new UsageError(`${named}: ${fsReason(e)}`);
  }
  if (info.isDirectory()) {
    if (!folderFile) throw new UsageError(`${named}: is a folder, not a file`);
    file = join(path, folderFile);
    info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new UsageError(`${named}: the folder holds no ${folderFile}`);
  }
  if (!info.isFile()) throw new UsageError(`${named}: not a regular file`);
  try {
    await access(file, constants.R_OK);
  } catch (e) {
    throw new UsageError(`${named}: cannot be read (${fsReason(e)})`);
  }
}

/**
 * A loader's message about `path` without the path it already names (as "PATH: ...",
 * "/abs/PATH: ...", "NAME: ..." or "(PATH)"), so that the caller names it once in front.
 */
export function withoutPath(message: string, path: string): string {
  const abs = resolve(path);
  const name = basename(abs);
  let m = message;
  for (const p of [path, abs, name]) {
    if (m.startsWith(`${p}: `)) {
      m = m.slice(p.length + 2);
      break;
    }
    if (m.startsWith(`${p}/`)) {
      m = m.slice(p.length + 1);
      break;
    }
  }
  for (const p of [path, abs]) m = m.replace(` (${p})`, '');
  return m;
}

/** A UsageError for a loader's failure on an input: the option and path once, then the loader's message. */
export function inputError(option: string | null, path: string, e: unknown): UsageError {
  const message = e instanceof Error ? e.message : String(e);
  return new UsageError(`${inputName(option, path)}: ${withoutPath(message, path)}`);
}
