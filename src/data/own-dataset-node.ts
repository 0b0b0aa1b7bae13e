// Node-only: the user's own dataset (--dataset PATH: a folder of class folders or a Keras .npz
// file) made ready once: decoded, converted, resized and packed (image-pack.ts) into the
// cache, $XDG_CACHE_HOME/webgpu-mnist-trainer/datasets/<key>.pack (user-cache.ts). The key is
// a SHA-256 of what the pack is made from: the folder's file list (paths, sizes, modification
// times) or the .npz file's path, size and time, with the image size, the colour mode and the
// pack format. A later run with the same key loads the pack at once; a damaged one is made
// again.
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { formatCount, MAX_DATASET_BYTES } from '../io/load-limits.ts';
import { userCacheDir } from '../io/user-cache.ts';
import { decodeImageFolder, listImageFolder, type DecodeProgress } from './image-folder.ts';
import { decodePack, encodePack, PACK_FORMAT, PackFormatError, type ImagePack } from './image-pack.ts';
import type { ColorMode } from './images/color-mode.ts';
import { NpzFormatError, readKerasNpz } from './npz.ts';

/** The cache folder of the packs. */
export function datasetCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'datasets');
}

/** How a folder's pictures become the pack's images (a .npz file's are taken as they are). */
export interface FolderTarget {
  height: number;
  width: number;
  colorMode: ColorMode;
}

export interface PackRequest {
  /** Absolute path of the folder or the .npz file. */
  path: string;
  kind: 'folder' | 'npz';
  /** Folders only. */
  target: FolderTarget | null;
}

export interface PreparedPack {
  /** The pack file in the cache. */
  file: string;
  pack: ImagePack;
  /** True when this call decoded the images (false: loaded from the cache). */
  built: boolean;
}

export interface PackEvents {
  /** Decoding progress (folders, when the pack is made). */
  progress?(p: DecodeProgress): void;
  /** One-line notes (a damaged pack made again). */
  note?(line: string): void;
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The pack in `file`, or null when there is none; a damaged one is reported and null. */
async function readCachedPack(file: string, note: (line: string) => void): Promise<ImagePack | null> {
  let bytes: Uint8Array;
  try {
    const info = await stat(file);
    if (info.size > MAX_DATASET_BYTES * 1.01 + 65536) throw new PackFormatError(file, `${formatCount(info.size)} bytes, more than a pack may have`);
    bytes = new Uint8Array(await readFile(file));
    return decodePack(bytes, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    note(`The cached pack ${file} is damaged (${e instanceof Error ? e.message : String(e)}); making it again.`);
    return null;
  }
}

/** Reads a pack file written by preparePack (the Node back end's loader); throws PackFormatError. */
export async function readPackFile(file: string): Promise<ImagePack> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new PackFormatError(file, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return decodePack(bytes, file);
}

/** The cache key of a request (see the file comment). */
async function packKey(request: PackRequest): Promise<{ key: string; make: (events: PackEvents) => Promise<ImagePack> }> {
  if (request.kind === 'npz') {
    const info = await stat(request.path);
    if (info.size > MAX_DATASET_BYTES + 16 * 1024 * 1024) {
      throw new NpzFormatError(request.path, `${formatCount(info.size)} bytes, more than the ${formatCount(MAX_DATASET_BYTES)} this trainer reads`);
    }
    return {
      key: sha256({ format: PACK_FORMAT, kind: 'npz', path: request.path, size: info.size, mtimeMs: info.mtimeMs }),
      make: async () => readKerasNpz(new Uint8Array(await readFile(request.path)), request.path, request.path),
    };
  }
  const listing = await listImageFolder(request.path);
  const files = listing.files.map((f) => [f.rel, f.size, f.mtimeMs, f.split]);
  return {
    key: sha256({ format: PACK_FORMAT, kind: 'folder', files, skipped: listing.skipped, target: request.target }),
    make: (events) => decodeImageFolder(listing, request.target!, events.progress),
  };
}

/** The pack of `request`: from the cache, else made now (and cached). Errors name the folder or file. */
export async function preparePack(request: PackRequest, events: PackEvents = {}, cacheDir: string = datasetCacheDir()): Promise<PreparedPack> {
  const { key, make } = await packKey(request);
  const file = join(cacheDir, `${key}.pack`);
  const cached = await readCachedPack(file, events.note ?? (() => {}));
  if (cached) return { file, pack: cached, built: false };
  const pack = await make(events);
  await mkdir(cacheDir, { recursive: true });
  await writeFileAtomic(file, encodePack(pack));
  return { file, pack, built: true };
}
