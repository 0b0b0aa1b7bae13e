// The pictures of a laid-out dataset folder (folder-layout.ts) decoded into a pack
// (image-pack.ts) of one size and colour mode, as Keras's image_dataset_from_directory gives
// them (prepare-image.ts), whatever reads the files: the command line's file system or the
// page's dropped files. Files that cannot be decoded or read are skipped (the pack's header
// keeps them); a class left without an image is an error naming the folder. Browser-safe.
import { COLOR_MODE_CHANNELS } from './images/color-mode.ts';
import { ImageDecodeError } from './images/decoded-image.ts';
import { prepareImage, type ImageTarget } from './images/prepare-image.ts';
import { DatasetFolderError, skippedLine, type FolderLayout, type ListedFile, type SkippedFile } from './folder-layout.ts';
import { PACK_FORMAT, type ImagePack } from './image-pack.ts';
import { formatCount, MAX_DATASET_BYTES } from '../io/load-limits.ts';

/** Skipped files a pack names (the summary line shows a few; the count is kept whole). */
const MAX_SKIPPED_KEPT = 20;

/** A file that could not be read: `problem` says why (the file's name is added by the caller). */
export class FileReadError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'FileReadError';
  }
}

export interface DecodeProgress {
  done: number;
  total: number;
}

/**
 * Decodes every image of `layout` into a pack named `name` (`where` names the folder in
 * messages). `read` gives a file's bytes (throwing FileReadError for one it cannot read);
 * `onProgress` hears after each file and may pause the loop (the page yields to its events).
 */
export async function decodeFolderImages<F>(
  layout: FolderLayout<F>,
  name: string,
  target: ImageTarget,
  read: (file: ListedFile<F>) => Promise<Uint8Array>,
  onProgress: (p: DecodeProgress) => void | Promise<void> = () => {},
): Promise<ImagePack> {
  const channels = COLOR_MODE_CHANNELS[target.colorMode];
  const imageBytes = target.height * target.width * channels;
  const total = layout.files.length;
  if (total * imageBytes > MAX_DATASET_BYTES) {
    throw new DatasetFolderError(`${name}: ${formatCount(total)} images of ${target.height}x${target.width}x${channels} are ${formatCount(total * imageBytes)} bytes, more than the ${formatCount(MAX_DATASET_BYTES)} this trainer packs`);
  }
  const images = new Uint8Array(total * imageBytes);
  const labels: number[] = [];
  const kept: ListedFile<F>[] = [];
  const skipped: SkippedFile[] = [...layout.skipped];
  for (const [i, f] of layout.files.entries()) {
    try {
      images.set(prepareImage(await read(f), target), kept.length * imageBytes);
      labels.push(f.label);
      kept.push(f);
    } catch (e) {
      if (e instanceof ImageDecodeError) skipped.push({ rel: f.rel, why: e.problem });
      else if (e instanceof FileReadError) skipped.push({ rel: f.rel, why: `unreadable (${e.problem})` });
      else throw e;
    }
    await onProgress({ done: i + 1, total });
  }
  const split = layout.files[0].split !== null;
  for (const s of split ? (['train', 'test'] as const) : [null]) {
    layout.classNames.forEach((className, label) => {
      if (!kept.some((f) => f.label === label && f.split === s)) {
        throw new DatasetFolderError(`${name}: class folder ${s ? `${s}/` : ''}${className}/ holds no readable image (${skippedLine(skipped)})`);
      }
    });
  }
  return {
    header: {
      format: PACK_FORMAT,
      name,
      classNames: layout.classNames,
      imageShape: [target.height, target.width, channels],
      count: kept.length,
      trainCount: split ? kept.filter((f) => f.split === 'train').length : null,
      skipped: { count: skipped.length, first: skipped.slice(0, MAX_SKIPPED_KEPT) },
    },
    images: images.subarray(0, kept.length * imageBytes),
    labels: Uint8Array.from(labels),
  };
}
