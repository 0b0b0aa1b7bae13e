// The datasets the trainer knows, by name: both are ten classes of 28x28 grayscale bytes in
// the same IDX form (mnist.ts's Mnist), so everything after loading is shared. Browser-safe.
import type { InputScaling } from './image-dataset.ts';

export type DatasetName = 'mnist' | 'fashion-mnist';

export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist'];

/**
 * Where a page fetches each dataset's four IDX files, under its base URL: the same file
 * names in both (MNIST_FILES), so `fetchMnist(base + DATASET_URL_PATHS[name])` loads either.
 */
export const DATASET_URL_PATHS: Record<DatasetName, string> = {
  mnist: 'mnist',
  'fashion-mnist': 'fashion-mnist',
};

/** Each dataset's name as people write it. */
export const DATASET_TITLES: Record<DatasetName, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' };

/** Each dataset's image counts, known before it is downloaded (for the page's estimate of a run). */
export const DATASET_SIZES: Record<DatasetName, { train: number; test: number }> = {
  mnist: { train: 60_000, test: 10_000 },
  'fashion-mnist': { train: 60_000, test: 10_000 },
};

/** Label l of each dataset means CLASS_NAMES[name][l]. */
export const CLASS_NAMES: Record<DatasetName, readonly string[]> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/** The dataset named `text`, or a clear error listing the known names. */
export function parseDatasetName(text: string): DatasetName {
  const name = DATASET_NAMES.find((n) => n === text);
  if (!name) throw new RangeError(`unknown dataset '${text}': expected one of ${DATASET_NAMES.join(', ')}`);
  return name;
}

/**
 * The file, under a page's base URL, that lists the datasets its server has (a static build:
 * MNIST only; the dev server: both), as `{ "datasets": ["mnist", ...] }`: written by
 * vite-datasets-plugin.ts, fetched once by the page, so that no request goes to a dataset that
 * is not there.
 */
export const DATASETS_MANIFEST = 'datasets.json';

/** The dataset names a manifest lists (unknown names are left out; a bad manifest lists none). */
export function datasetsOfManifest(json: unknown): DatasetName[] {
  const listed = (json as { datasets?: unknown } | null)?.datasets;
  return Array.isArray(listed) ? DATASET_NAMES.filter((n) => listed.includes(n)) : [];
}

/** The page's dataset choice: a built-in one, or the user's own images given to the page ('own'). */
export type DataChoice = DatasetName | 'own';

/** How a model trained on `choice` reads its images' bytes: the built-in datasets divided by 255, the user's own as they are (as Keras gives them). */
export function scalingOfChoice(choice: DataChoice): InputScaling {
  return choice === 'own' ? 'none' : 'divide-255';
}

/** The choice a run's options make: their own dataset where they have one, else the built-in. */
export function dataChoiceOf(options: { dataset: DatasetName; ownDataset?: unknown }): DataChoice {
  return options.ownDataset ? 'own' : options.dataset;
}
