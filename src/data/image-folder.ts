// Node-only: a folder of class folders on disk read as Keras's image_dataset_from_directory
// reads it: the folder walked (links followed, sorted) and laid out by folder-layout.ts, its
// pictures decoded by folder-decode.ts, as the page does with a dropped folder.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFolderImages, FileReadError, type DecodeProgress } from './folder-decode.ts';
import { comparePaths, DatasetFolderError, layoutFolder, type SkippedFile, type TreeEntry } from './folder-layout.ts';
import type { ImageTarget } from './images/prepare-image.ts';
import type { ImagePack } from './image-pack.ts';

export { DatasetFolderError, isImageName, MAX_IMAGE_FILE_BYTES, pictureSizeProblem, skippedLine, type SkippedFile } from './folder-layout.ts';
export type { DecodeProgress } from './folder-decode.ts';

export interface FolderFile {
  /** Absolute path. */
  path: string;
  /** Path under the dataset's folder, '/'-separated (for messages and the cache key). */
  rel: string;
  size: number;
  mtimeMs: number;
  label: number;
  /** 'train' or 'test' in a folder with those two splits; null otherwise. */
  split: 'train' | 'test' | null;
}

export interface FolderListing {
  root: string;
  classNames: string[];
  /** Images in order: by split (train first), class, then path. */
  files: FolderFile[];
  /** Files left out while listing (not a picture, empty). */
  skipped: SkippedFile[];
}

/** Deepest folder nesting walked under a class folder. */
const MAX_DEPTH = 32;

interface OnDisk {
  path: string;
  mtimeMs: number;
}

/** Every path under `dir` ('/'-separated under `prefix`), links followed; unreadable entries are size -1. */
async function walk(dir: string, prefix: string, out: TreeEntry<OnDisk>[], depth = 0): Promise<TreeEntry<OnDisk>[]> {
  if (depth > MAX_DEPTH + 2) throw new DatasetFolderError(`${dir}: folders nested deeper than ${MAX_DEPTH} (a link loop?)`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new DatasetFolderError(`${dir}: cannot read the folder (${(e as Error).message})`);
  }
  for (const name of names) {
    const path = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) {
      out.push({ rel, isDir: true, size: -1 });
      await walk(path, rel, out, depth + 1);
    } else out.push({ rel, isDir: false, size: info?.isFile() ? info.size : -1, source: { path, mtimeMs: info?.mtimeMs ?? 0 } });
  }
  return out;
}

/** A file found by walkFolder (size -1: not a readable regular file). */
export interface FolderEntry {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** Every file under `dir`, at any depth, in the order a dataset folder's files are read (comparePaths). */
export async function walkFolder(dir: string): Promise<FolderEntry[]> {
  const found = (await walk(dir, '', [])).filter((e) => !e.isDir);
  found.sort((a, b) => comparePaths(a.rel, b.rel));
  return found.map((e) => ({ name: e.rel.slice(e.rel.lastIndexOf('/') + 1), path: e.source!.path, size: e.size, mtimeMs: e.source!.mtimeMs }));
}

/** Lists a dataset folder (folder-layout.ts); throws DatasetFolderError for a folder that is not one. */
export async function listImageFolder(root: string): Promise<FolderListing> {
  const layout = layoutFolder(await walk(root, '', []), (rel) => (rel ? join(root, rel) : root));
  const files = layout.files.map(({ rel, size, label, split, source }) => ({ path: source.path, rel, size, mtimeMs: source.mtimeMs, label, split }));
  return { root, classNames: layout.classNames, files, skipped: layout.skipped };
}

/**
 * Decodes every image of a listing into a pack of `target`'s size and colour mode (folder-decode.ts).
 * `onProgress` hears after each file.
 */
export function decodeImageFolder(listing: FolderListing, target: ImageTarget, onProgress: (p: DecodeProgress) => void = () => {}): Promise<ImagePack> {
  const layout = { classNames: listing.classNames, skipped: listing.skipped, files: listing.files.map((f) => ({ ...f, source: f.path })) };
  const read = async (f: { source: string }) => {
    try {
      return new Uint8Array(await readFile(f.source));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw new FileReadError((e as Error).message);
      throw e;
    }
  };
  return decodeFolderImages(layout, listing.root, target, read, onProgress);
}
