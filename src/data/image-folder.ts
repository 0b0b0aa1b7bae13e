// Node-only: a folder of class folders read as Keras's image_dataset_from_directory reads it.
// The class names are the subfolders' names in Python's sorted() order; every file under a
// class folder (at any depth) ending in .png, .jpg, .jpeg, .bmp or .gif (any case) is one
// image of that class. A folder holding train/ and test/ (and no other folder), each with the
// same class folders, gives those two splits. Files that are not pictures, are empty or cannot
// be read are skipped and reported together; a class folder without a readable picture, or
// fewer than two classes, is an error naming the folder.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { IMAGE_EXTENSIONS } from './images/decode-image.ts';
import { ImageDecodeError } from './images/decoded-image.ts';
import { COLOR_MODE_CHANNELS } from './images/color-mode.ts';
import { prepareImage, type ImageTarget } from './images/prepare-image.ts';
import { compareCodePoints } from './images/sort-names.ts';
import { MAX_CLASSES, PACK_FORMAT, type ImagePack } from './image-pack.ts';
import { formatCount, MAX_DATASET_BYTES } from '../io/load-limits.ts';

export class DatasetFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetFolderError';
  }
}

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

export interface SkippedFile {
  rel: string;
  why: string;
}

export interface FolderListing {
  root: string;
  classNames: string[];
  /** Images in order: by split (train first), class, then path. */
  files: FolderFile[];
  /** Files left out while listing (not a picture, empty). */
  skipped: SkippedFile[];
}

/** Skipped files a pack names (the summary line shows a few; the count is kept whole). */
const MAX_SKIPPED_KEPT = 20;

/** Largest picture file read (a 64-megapixel RGBA PNG stored without compression). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/** Deepest folder nesting walked under a class folder. */
const MAX_DEPTH = 32;

/** Whether a file's name ends as a picture's (IMAGE_EXTENSIONS, any case). */
export const isImageName = (name: string) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
const slashed = (p: string) => p.split(sep).join('/');

/** A file or folder met while walking a folder (size -1: not a readable regular file). */
export interface FolderEntry {
  name: string;
  path: string;
  isDir: boolean;
  size: number;
  mtimeMs: number;
}

/** A folder's entries in Python's sorted() order, links followed. */
async function entries(dir: string): Promise<FolderEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new DatasetFolderError(`${dir}: cannot read the folder (${(e as Error).message})`);
  }
  names.sort(compareCodePoints);
  const out: FolderEntry[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    out.push({ name, path, isDir: info?.isDirectory() ?? false, size: info?.isFile() ? info.size : -1, mtimeMs: info?.mtimeMs ?? 0 });
  }
  return out;
}

/** Every file under `dir` (depth first, sorted), as [path, size, mtime]; unreadable entries are size -1. */
export async function walkFolder(dir: string, depth = 0): Promise<FolderEntry[]> {
  if (depth > MAX_DEPTH) throw new DatasetFolderError(`${dir}: folders nested deeper than ${MAX_DEPTH} (a link loop?)`);
  const out: FolderEntry[] = [];
  for (const e of await entries(dir)) out.push(...(e.isDir ? await walkFolder(e.path, depth + 1) : [e]));
  return out;
}

/** The class folders of `dir` (its subfolders, sorted) and the files lying beside them. */
async function classFolders(dir: string): Promise<{ classes: FolderEntry[]; loose: FolderEntry[] }> {
  const all = await entries(dir);
  return { classes: all.filter((e) => e.isDir), loose: all.filter((e) => !e.isDir) };
}

/** Lists a dataset folder (see the file comment); throws DatasetFolderError for a folder that is not one. */
export async function listImageFolder(root: string): Promise<FolderListing> {
  const top = await classFolders(root);
  const names = top.classes.map((c) => c.name);
  const splitLayout = names.length === 2 && names[0] === 'test' && names[1] === 'train';
  const splits: { split: 'train' | 'test' | null; dir: string }[] = splitLayout
    ? [{ split: 'train', dir: join(root, 'train') }, { split: 'test', dir: join(root, 'test') }]
    : [{ split: null, dir: root }];
  const files: FolderFile[] = [];
  const skipped: SkippedFile[] = [];
  const skip = (e: FolderEntry, why: string) => skipped.push({ rel: slashed(relative(root, e.path)), why });
  for (const e of top.loose) skip(e, 'not in a class folder');
  let classNames: string[] | null = null;
  for (const { split, dir } of splits) {
    const { classes, loose } = split ? await classFolders(dir) : top;
    if (split) for (const e of loose) skip(e, 'not in a class folder');
    const here = classes.map((c) => c.name);
    const where = split ? `${dir}` : root;
    if (here.length < 2) throw new DatasetFolderError(`${where}: ${here.length === 0 ? 'no class folders' : `one class folder (${here[0]}/)`}; a dataset needs a subfolder per class and at least 2 classes`);
    if (here.length > MAX_CLASSES) throw new DatasetFolderError(`${where}: ${here.length} class folders, more than the ${MAX_CLASSES} this trainer reads`);
    if (classNames === null) classNames = here;
    else if (JSON.stringify(here) !== JSON.stringify(classNames)) {
      const missing = classNames.filter((n) => !here.includes(n));
      const extra = here.filter((n) => !classNames!.includes(n));
      throw new DatasetFolderError(`${where}: its class folders differ from train/'s (${[...missing.map((n) => `missing ${n}/`), ...extra.map((n) => `extra ${n}/`)].join(', ')})`);
    }
    for (const [label, c] of classes.entries()) {
      let count = 0;
      for (const f of await walkFolder(c.path)) {
        if (!isImageName(f.name)) skip(f, 'not an image');
        else if (f.size < 0) skip(f, 'unreadable');
        else if (f.size === 0) skip(f, 'empty');
        else if (f.size > MAX_IMAGE_FILE_BYTES) skip(f, `${formatCount(f.size)} bytes, more than the ${formatCount(MAX_IMAGE_FILE_BYTES)} a picture may have`);
        else {
          files.push({ path: f.path, rel: slashed(relative(root, f.path)), size: f.size, mtimeMs: f.mtimeMs, label, split });
          count++;
        }
      }
      if (count === 0) throw new DatasetFolderError(`${c.path}: class folder ${c.name}/ holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
    }
  }
  return { root, classNames: classNames!, files, skipped };
}

export interface DecodeProgress {
  done: number;
  total: number;
}

/**
 * Decodes every image of a listing into a pack of `target`'s size and colour mode. Files that
 * cannot be decoded join the listing's skipped files (the pack's header keeps them); a class
 * left without an image is an error. `onProgress` hears after each file.
 */
export async function decodeImageFolder(
  listing: FolderListing,
  target: ImageTarget,
  onProgress: (p: DecodeProgress) => void = () => {},
): Promise<ImagePack> {
  const imageBytes = target.height * target.width * COLOR_MODE_CHANNELS[target.colorMode];
  const total = listing.files.length;
  if (total * imageBytes > MAX_DATASET_BYTES) {
    throw new DatasetFolderError(`${listing.root}: ${formatCount(total)} images of ${target.height}x${target.width}x${COLOR_MODE_CHANNELS[target.colorMode]} are ${formatCount(total * imageBytes)} bytes, more than the ${formatCount(MAX_DATASET_BYTES)} this trainer packs`);
  }
  const images = new Uint8Array(total * imageBytes);
  const labels: number[] = [];
  const kept: FolderFile[] = [];
  const skipped = [...listing.skipped];
  for (const [i, f] of listing.files.entries()) {
    try {
      const pixels = prepareImage(new Uint8Array(await readFile(f.path)), target);
      images.set(pixels, kept.length * imageBytes);
      labels.push(f.label);
      kept.push(f);
    } catch (e) {
      if (e instanceof ImageDecodeError) skipped.push({ rel: f.rel, why: e.problem });
      else if ((e as NodeJS.ErrnoException).code) skipped.push({ rel: f.rel, why: `unreadable (${(e as Error).message})` });
      else throw e;
    }
    onProgress({ done: i + 1, total });
  }
  for (const split of listing.files[0].split ? (['train', 'test'] as const) : [null]) {
    listing.classNames.forEach((name, label) => {
      if (!kept.some((f) => f.label === label && f.split === split)) {
        throw new DatasetFolderError(`${listing.root}: class folder ${split ? `${split}/` : ''}${name}/ holds no readable image (${skippedLine(skipped)})`);
      }
    });
  }
  const trainCount = listing.files[0].split ? kept.filter((f) => f.split === 'train').length : null;
  return {
    header: {
      format: PACK_FORMAT,
      name: listing.root,
      classNames: listing.classNames,
      imageShape: [target.height, target.width, COLOR_MODE_CHANNELS[target.colorMode]],
      count: kept.length,
      trainCount,
      skipped: { count: skipped.length, first: skipped.slice(0, MAX_SKIPPED_KEPT) },
    },
    images: images.subarray(0, kept.length * imageBytes),
    labels: Uint8Array.from(labels),
  };
}

/** "3 files skipped (not images, empty or unreadable): a.txt (not an image), b.png (damaged PNG ...), c.jpg (empty)" */
export function skippedLine(skipped: readonly SkippedFile[], count = skipped.length, shown = 3): string {
  const head = skipped.slice(0, shown).map((s) => `${s.rel} (${s.why})`).join(', ');
  const more = count > shown ? `, and ${formatCount(count - shown)} more` : '';
  return `${formatCount(count)} file${count === 1 ? '' : 's'} skipped (not images, empty or unreadable): ${head}${more}`;
}
