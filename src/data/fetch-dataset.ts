// A dataset by name, fetched from the server the page came from (the Vite plugins serve each
// under its own path): its four IDX files and its class names. Browser-safe.
import { CLASS_NAMES, DATASET_URL_PATHS, type DatasetName } from './datasets.ts';
import { fetchMnist, type Mnist } from './mnist.ts';

/** `base` is the page's base URL (import.meta.env.BASE_URL), absolute where relative URLs cannot be resolved (a worker). */
export function fetchDataset(name: DatasetName, base: string, fetchFn: typeof fetch = globalThis.fetch): Promise<Mnist> {
  return fetchMnist(base + DATASET_URL_PATHS[name], fetchFn, CLASS_NAMES[name]);
}
