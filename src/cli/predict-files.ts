// Node-only: the pictures `npm run predict` classifies. Each path on the command line is a
// picture (decoded whatever its name: the format is told by its first bytes) or a folder whose
// pictures (names ending .png, .jpg, .jpeg, .bmp, .gif, at any depth, in Python's sorted order,
// as a dataset folder is read) are taken in turn. A missing path is a UsageError naming it; a
// file that is not a picture, is empty, damaged or unreadable is skipped and reported with the
// others in one line.
import { readFile, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { DatasetFolderError, isImageName, pictureSizeProblem, walkFolder, type SkippedFile } from '../data/image-folder.ts';
import { decodeImage } from '../data/images/decode-image.ts';
import { ImageDecodeError, type DecodedImage } from '../data/images/decoded-image.ts';
import { fsReason } from '../io/fs-reason.ts';
import { UsageError } from './cli-error.ts';

/** A picture to read: its path as the user will see it (the given path, or the folder's path joined with the file's). */
export interface PictureFile {
  path: string;
  size: number;
}

export interface PictureListing {
  files: PictureFile[];
  /** Files of the given folders left out before reading (not a picture by name, empty, too large). */
  skipped: SkippedFile[];
}

/** `path` shown under the folder it was found in, with '/' whatever the system's separator. */
const shown = (folder: string, path: string) => [folder.replace(/[/\\]+$/, ''), ...relative(folder, path).split(sep)].join('/');

/** The pictures named by `paths` (files and folders), in the order given; throws a UsageError for a path that is neither. */
export async function listPictures(paths: readonly string[]): Promise<PictureListing> {
  const files: PictureFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((e: unknown) => {
      throw new UsageError(`${path}: ${fsReason(e)}`);
    });
    if (info.isFile()) {
      const problem = pictureSizeProblem(info.size);
      if (problem) skipped.push({ rel: path, why: problem });
      else files.push({ path, size: info.size });
      continue;
    }
    if (!info.isDirectory()) throw new UsageError(`${path}: not a file or a folder`);
    let found;
    try {
      found = await walkFolder(path);
    } catch (e) {
      if (e instanceof DatasetFolderError) throw new UsageError(e.message);
      throw e;
    }
    for (const f of found) {
      const rel = shown(path, f.path);
      const problem = isImageName(f.name) ? pictureSizeProblem(f.size) : 'not an image';
      if (problem) skipped.push({ rel, why: problem });
      else files.push({ path: rel, size: f.size });
    }
  }
  return { files, skipped };
}

/** A picture decoded, or why it could not be: `why` is the decoder's or the file system's reason. */
export type DecodedPicture = { file: string; image: DecodedImage } | { file: string; why: string };

/** Reads and decodes `file`; a picture it cannot decode or read comes back with the reason. */
export async function decodePictureFile(file: PictureFile): Promise<DecodedPicture> {
  try {
    return { file: file.path, image: decodeImage(new Uint8Array(await readFile(file.path))) };
  } catch (e) {
    if (e instanceof ImageDecodeError) return { file: file.path, why: e.problem };
    if ((e as NodeJS.ErrnoException).code) return { file: file.path, why: `unreadable (${fsReason(e)})` };
    throw e;
  }
}
