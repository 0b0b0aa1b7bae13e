// A folder of class folders read as Keras's image_dataset_from_directory reads it, over any
// listing of its paths (the command line's file system walk, the page's dropped folder or
// picked files, a zip of class folders): the class names are the top folders' names in
// Python's sorted() order; every file under a class folder (at any depth) ending in .png, .jpg,
// .jpeg, .bmp or .gif (any case) is one image of that class, in a depth-first sorted walk's
// order. A folder holding train/ and test/ (and no other folder), each with the same class
// folders, gives those two splits. Files that are not pictures or are empty are skipped and
// reported together; a class folder without a picture, or fewer than two classes, is an error
// naming the folder. Browser-safe.
import { IMAGE_EXTENSIONS } from './images/decode-image.ts';
import { compareCodePoints } from './images/sort-names.ts';
import { MAX_CLASSES } from './image-pack.ts';
import { formatCount } from '../io/load-limits.ts';

export class DatasetFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetFolderError';
  }
}

/** One path under the dataset's folder: a folder, or a file with its size (-1: unreadable). */
export interface TreeEntry<F = unknown> {
  /** '/'-separated path under the dataset's folder, without a leading or trailing '/'. */
  rel: string;
  isDir: boolean;
  size: number;
  /** What the caller reads the file by (a path, a File). */
  source?: F;
}

export interface ListedFile<F = unknown> {
  /** Path under the dataset's folder, '/'-separated (for messages and the cache key). */
  rel: string;
  size: number;
  label: number;
  /** 'train' or 'test' in a folder with those two splits; null otherwise. */
  split: 'train' | 'test' | null;
  source: F;
}

export interface SkippedFile {
  rel: string;
  why: string;
}

export interface FolderLayout<F = unknown> {
  classNames: string[];
  /** Images in order: by split (train first), class, then path. */
  files: ListedFile<F>[];
  /** Files left out while listing (not a picture, empty). */
  skipped: SkippedFile[];
}

/** Largest picture file read (a 64-megapixel RGBA PNG stored without compression). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/** Why a picture file of `size` bytes (-1: unreadable) is not read, or null when it is. */
export function pictureSizeProblem(size: number): string | null {
  if (size < 0) return 'unreadable';
  if (size === 0) return 'empty';
  if (size > MAX_IMAGE_FILE_BYTES) return `${formatCount(size)} bytes, more than the ${formatCount(MAX_IMAGE_FILE_BYTES)} a picture may have`;
  return null;
}

export const isImageName = (name: string): boolean => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/** Python's order of two '/'-separated paths as a depth-first walk of sorted folders meets them. */
export function comparePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = compareCodePoints(x[i], y[i]);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const baseName = (rel: string) => rel.slice(rel.lastIndexOf('/') + 1);

/**
 * Lays out a dataset folder from every path under it (see the file comment); `where(rel)` names a
 * path in messages ('' is the folder itself). Folders that only hold files are implied by their
 * files' paths. Throws DatasetFolderError for a folder that is not a dataset.
 */
export function layoutFolder<F>(entries: readonly TreeEntry<F>[], where: (rel: string) => string): FolderLayout<F> {
  const dirs = new Set<string>();
  for (const e of entries) {
    if (e.isDir) dirs.add(e.rel);
    for (let p = parentOf(e.rel); p !== ''; p = parentOf(p)) dirs.add(p);
  }
  const fileEntries = entries.filter((e) => !e.isDir).sort((a, b) => comparePaths(a.rel, b.rel));
  const subfolders = (dir: string) => [...dirs].filter((d) => parentOf(d) === dir).map(baseName).sort(compareCodePoints);
  const top = subfolders('');
  const splitLayout = top.length === 2 && top[0] === 'test' && top[1] === 'train';
  const splits: { split: 'train' | 'test' | null; dir: string }[] = splitLayout ? [{ split: 'train', dir: 'train' }, { split: 'test', dir: 'test' }] : [{ split: null, dir: '' }];
  const files: ListedFile<F>[] = [];
  const skipped: SkippedFile[] = [];
  const inClass = new Set<TreeEntry<F>>();
  let classNames: string[] | null = null;
  for (const { split, dir } of splits) {
    const here = subfolders(dir);
    const at = where(dir);
    if (here.length < 2) throw new DatasetFolderError(`${at}: ${here.length === 0 ? 'no class folders' : `one class folder (${here[0]}/)`}; a dataset needs a subfolder per class and at least 2 classes`);
    if (here.length > MAX_CLASSES) throw new DatasetFolderError(`${at}: ${here.length} class folders, more than the ${MAX_CLASSES} this trainer reads`);
    if (classNames === null) classNames = here;
    else if (JSON.stringify(here) !== JSON.stringify(classNames)) {
      const missing = classNames.filter((n) => !here.includes(n));
      const extra = here.filter((n) => !classNames!.includes(n));
      throw new DatasetFolderError(`${at}: its class folders differ from train/'s (${[...missing.map((n) => `missing ${n}/`), ...extra.map((n) => `extra ${n}/`)].join(', ')})`);
    }
    for (const [label, name] of here.entries()) {
      const classDir = dir ? `${dir}/${name}` : name;
      let count = 0;
      for (const f of fileEntries.filter((e) => e.rel.startsWith(`${classDir}/`))) {
        inClass.add(f);
        const problem = isImageName(baseName(f.rel)) ? pictureSizeProblem(f.size) : 'not an image';
        if (problem) skipped.push({ rel: f.rel, why: problem });
        else {
          files.push({ rel: f.rel, size: f.size, label, split, source: f.source as F });
          count++;
        }
      }
      if (count === 0) throw new DatasetFolderError(`${where(classDir)}: class folder ${name}/ holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
    }
  }
  const loose = fileEntries.filter((f) => !inClass.has(f)).map((f) => ({ rel: f.rel, why: 'not in a class folder' }));
  return { classNames: classNames!, files, skipped: [...loose, ...skipped] };
}

/** "3 files skipped (not images, empty or unreadable): a.txt (not an image), b.png (damaged PNG ...), c.jpg (empty)" */
export function skippedLine(skipped: readonly SkippedFile[], count = skipped.length, shown = 3): string {
  const head = skipped.slice(0, shown).map((s) => `${s.rel} (${s.why})`).join(', ');
  const more = count > shown ? `, and ${formatCount(count - shown)} more` : '';
  return `${formatCount(count)} file${count === 1 ? '' : 's'} skipped (not images, empty or unreadable): ${head}${more}`;
}
