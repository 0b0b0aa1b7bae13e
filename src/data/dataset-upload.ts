// The user's own dataset handed to the page (dropped or picked: a folder of class folders, a
// zip of one, or a Keras .npz) read into a pack (image-pack.ts) by the same code as
// `npm run train -- --dataset PATH`: the folder laid out by folder-layout.ts, its pictures
// decoded by folder-decode.ts, a .npz read by npz.ts. A folder's pictures take the first
// readable picture's size (each side at most the models' 64) and its colours: RGB when any
// class's first picture has colour, else grayscale; the same pack as the command line's with
// --image-size H,W --color-mode MODE. Every problem is a DatasetUploadError naming the file.
// Browser-safe (the page's worker runs it).
import { ZipReadError, zipEntries, zipMember, type ZipEntry } from '../io/zip-read.ts';
import { formatCount, MAX_DATASET_BYTES } from '../io/load-limits.ts';
import { MAX_INPUT_SIDE } from '../model/model-spec.ts';
import { decodeFolderImages, FileReadError, type DecodeProgress } from './folder-decode.ts';
import { DatasetFolderError, layoutFolder, MAX_IMAGE_FILE_BYTES, type FolderLayout, type ListedFile } from './folder-layout.ts';
import { decodeImage } from './images/decode-image.ts';
import type { DecodedImage } from './images/decoded-image.ts';
import type { ImageTarget } from './images/prepare-image.ts';
import type { ImagePack } from './image-pack.ts';
import { NpzFormatError, readKerasNpz } from './npz.ts';
import { datasetTree, zipPaths, type GivenPath } from './upload-tree.ts';

/** What the page hands the worker: the files of a dropped or picked folder, or one file. */
export type DatasetUpload =
  | { kind: 'folder'; name: string; paths: GivenPath<Blob>[] }
  | { kind: 'file'; name: string; file: Blob };

export class DatasetUploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetUploadError';
  }
}

export interface ReadUpload {
  pack: ImagePack;
  /** A folder's size and colour mode (null: a .npz file's images as they are). */
  target: ImageTarget | null;
}

async function blobBytes(blob: Blob): Promise<Uint8Array> {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (e) {
    throw new FileReadError(e instanceof Error ? e.message : String(e));
  }
}

/** The size and colours a folder's pictures are given (see the file comment), from each class's first readable picture. */
export async function chooseTarget<F>(layout: FolderLayout<F>, read: (f: ListedFile<F>) => Promise<Uint8Array>): Promise<ImageTarget> {
  const firsts: DecodedImage[] = [];
  for (const [label] of layout.classNames.entries()) {
    for (const f of layout.files.filter((x) => x.label === label).slice(0, 3)) {
      try {
        firsts.push(decodeImage(await read(f)));
        break;
      } catch {
        // a damaged picture: the next one of the class; the decode pass names it
      }
    }
  }
  if (firsts.length === 0) throw new DatasetFolderError('no class folder holds a readable picture');
  const { height, width } = firsts[0];
  const scale = Math.min(1, MAX_INPUT_SIDE / Math.max(height, width));
  const colour = firsts.some((img) => img.channels >= 3);
  return { height: Math.max(1, Math.round(height * scale)), width: Math.max(1, Math.round(width * scale)), colorMode: colour ? 'rgb' : 'grayscale' };
}

async function readFolder<F>(name: string, given: GivenPath<F>[], read: (f: ListedFile<F>) => Promise<Uint8Array>, onProgress: (p: DecodeProgress) => void | Promise<void>): Promise<ReadUpload> {
  const tree = datasetTree(given, name);
  const layout = layoutFolder(tree.entries, (rel) => (rel ? `${tree.name}/${rel}` : tree.name));
  const target = await chooseTarget(layout, read);
  const pack = await decodeFolderImages(layout, tree.name, target, read, onProgress);
  return { pack, target };
}

async function readZip(name: string, file: Blob, onProgress: (p: DecodeProgress) => void | Promise<void>): Promise<ReadUpload> {
  const bytes = await blobBytes(file);
  let entries: ZipEntry[];
  try {
    entries = zipEntries(bytes);
  } catch (e) {
    throw e instanceof ZipReadError ? new DatasetUploadError(`${name}: not a readable zip file (${e.message})`) : e;
  }
  const read = async (f: ListedFile<ZipEntry>) => {
    try {
      return zipMember(bytes, f.source, MAX_IMAGE_FILE_BYTES);
    } catch (e) {
      throw e instanceof ZipReadError ? new FileReadError(e.message) : e;
    }
  };
  return readFolder(name.replace(/\.zip$/i, ''), zipPaths(entries), read, onProgress);
}

/**
 * Reads an upload into a pack; `onProgress` hears after each decoded picture (and may pause,
 * to let other work in). Throws DatasetUploadError naming the file or folder.
 */
export async function readUpload(upload: DatasetUpload, onProgress: (p: DecodeProgress) => void | Promise<void> = () => {}): Promise<ReadUpload> {
  try {
    if (upload.kind === 'folder') return await readFolder(upload.name, upload.paths, (f) => blobBytes(f.source), onProgress);
    const { name, file } = upload;
    if (file.size === 0) throw new DatasetUploadError(`${name}: an empty file (0 bytes)`);
    if (file.size > MAX_DATASET_BYTES + 16 * 1024 * 1024) throw new DatasetUploadError(`${name}: ${formatCount(file.size)} bytes, more than the ${formatCount(MAX_DATASET_BYTES)} this trainer reads`);
    if (/\.npz$/i.test(name)) return { pack: readKerasNpz(await blobBytes(file), name, name), target: null };
    if (/\.zip$/i.test(name)) return await readZip(name, file, onProgress);
    throw new DatasetUploadError(`${name}: not a folder of class folders, a .zip of one or a Keras .npz file`);
  } catch (e) {
    if (e instanceof DatasetFolderError || e instanceof NpzFormatError) throw new DatasetUploadError(e.message);
    if (e instanceof FileReadError) throw new DatasetUploadError(`${upload.name}: cannot read it (${e.problem})`);
    throw e;
  }
}
