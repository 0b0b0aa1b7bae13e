// The user's dataset as the page receives it: the files of a drop (folders walked with
// webkitGetAsEntry, a batch of readEntries at a time) or of a file input (a folder picked with
// webkitdirectory gives each file's webkitRelativePath), made into the upload the worker reads
// (src/data/dataset-upload.ts). One .zip or .npz file given alone is read as that file. The walk
// takes any entry objects of the File System API's shape, so it is tested without a browser.
import type { DatasetUpload } from '../data/dataset-upload.ts';
import { datasetTree, type GivenPath } from '../data/upload-tree.ts';

/** The parts of FileSystemEntry the walk uses. */
export interface EntryLike {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: EntryLike[]) => void, fail: (e: unknown) => void): void };
}

/** Most files a walk collects (a drop of a whole disk stops there with a clear message). */
export const MAX_DROPPED_FILES = 200_000;

/** Every path under the dropped entries, folders included ('/'-separated from the dropped names). */
export async function walkEntries(entries: readonly EntryLike[]): Promise<GivenPath<File>[]> {
  const out: GivenPath<File>[] = [];
  const visit = async (entry: EntryLike, path: string, depth: number): Promise<void> => {
    if (out.length > MAX_DROPPED_FILES) throw new Error(`more than ${MAX_DROPPED_FILES.toLocaleString('en-US')} files dropped`);
    if (entry.isDirectory && entry.createReader) {
      if (depth > 40) throw new Error(`${path}: folders nested deeper than 40`);
      out.push({ path, isDir: true, size: -1 });
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const child of batch) await visit(child, `${path}/${child.name}`, depth + 1);
      }
    } else if (entry.isFile && entry.file) {
      const file = await new Promise<File | null>((ok) => entry.file!(ok, () => ok(null)));
      out.push(file ? { path, isDir: false, size: file.size, source: file } : { path, isDir: false, size: -1 });
    }
  };
  for (const e of entries) await visit(e, e.name, 0);
  return out;
}

/** The files of a file input: each under its webkitRelativePath (a picked folder), else its name. */
export function pathsOfFiles(files: readonly File[]): GivenPath<File>[] {
  return files.map((f) => ({ path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, isDir: false, size: f.size, source: f }));
}

/** What the worker reads: one .zip or .npz given alone as that file, anything else as a folder (named by its top folder, else `fallbackName`). */
export function uploadOf(paths: GivenPath<File>[], fallbackName = 'dropped files'): DatasetUpload | null {
  if (paths.length === 0) return null;
  const only = paths.length === 1 ? paths[0] : undefined;
  if (only && !only.isDir && only.source && /\.(zip|npz)$/i.test(only.path) && !only.path.includes('/')) return { kind: 'file', name: only.path, file: only.source };
  return { kind: 'folder', name: datasetTree(paths, fallbackName).name, paths };
}

/** The upload of a drop: its items' entries walked (the files themselves where the browser gives no entries). */
export async function uploadOfDrop(transfer: DataTransfer): Promise<DatasetUpload | null> {
  const entries = Array.from(transfer.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() as EntryLike | null)
    .filter((e): e is EntryLike => !!e);
  if (entries.length) return uploadOf(await walkEntries(entries));
  return uploadOf(pathsOfFiles(Array.from(transfer.files ?? [])));
}
