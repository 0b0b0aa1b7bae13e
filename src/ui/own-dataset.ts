// The worker's reading of the user's own dataset: the upload read into a pack
// (src/data/dataset-upload.ts) with its progress reported every 100 ms and the worker's other
// messages let in every 50 ms (a pause, a prediction), then split as the command line splits
// it (a folder without train/ and test/: 0.2 of each class held out) and summarized for the page.
import type { DecodeProgress } from '../data/folder-decode.ts';
import { readUpload, type DatasetUpload } from '../data/dataset-upload.ts';
import { summarizeDataset, type DatasetSummary } from '../data/dataset-summary.ts';
import type { ImageDataset } from '../data/image-dataset.ts';
import { packSplits } from '../data/image-pack.ts';
import { DEFAULT_TEST_SPLIT } from '../train/types.ts';

export async function readOwnDataset(upload: DatasetUpload, progress: (p: DecodeProgress) => void): Promise<{ data: ImageDataset; summary: DatasetSummary }> {
  let shown = 0;
  let yielded = performance.now();
  const onProgress = async (p: DecodeProgress) => {
    const now = performance.now();
    if (now - shown >= 100 || p.done === p.total) {
      shown = now;
      progress(p);
    }
    if (now - yielded >= 50) {
      await new Promise((r) => setTimeout(r, 0));
      yielded = performance.now();
    }
  };
  const { pack, target } = await readUpload(upload, onProgress);
  let data: ImageDataset;
  try {
    data = packSplits(pack, DEFAULT_TEST_SPLIT);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new Error(`${pack.header.name}: too few images to hold out a test split (${DEFAULT_TEST_SPLIT} of each class): give some class at least ${Math.ceil(1 / DEFAULT_TEST_SPLIT)} images`);
  }
  return { data, summary: summarizeDataset(data, pack.header, target) };
}
