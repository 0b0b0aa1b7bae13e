// The dataset a model was trained on, carried in the files written for it: a .keras file's
// metadata.json and a TensorFlow.js model.json's userDefinedMetadata, both under the key
// "webgpu_trainer" ({ "dataset": { name, classNames, imageShape, scaling, testSplit? } }), which
// Keras and TensorFlow.js keep and ignore. `npm run evaluate` reads it to refuse a dataset the
// model was not trained for. Browser-safe.
import { parseDatasetDescription, type DatasetDescription } from '../data/image-dataset.ts';

export const TRAINER_METADATA_KEY = 'webgpu_trainer';

/** The metadata entry recording `dataset`. */
export function datasetMetadata(dataset: DatasetDescription): Record<string, unknown> {
  return { [TRAINER_METADATA_KEY]: { dataset } };
}

/** The dataset a metadata object records, or null (none, or not one this project wrote). */
export function recordedDataset(metadata: unknown): DatasetDescription | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const entry = (metadata as Record<string, unknown>)[TRAINER_METADATA_KEY];
  if (typeof entry !== 'object' || entry === null) return null;
  return parseDatasetDescription((entry as Record<string, unknown>).dataset);
}
