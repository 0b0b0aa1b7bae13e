// Keeps the user's own dataset in IndexedDB (the images as the page read them, with its
// summary), so a reload keeps the "Your data" card and a run on that data can resume without
// giving the folder again. One dataset is kept: the latest read. What is read back is checked
// (sizes, labels); a malformed record is ignored, never fatal.
import { readRecord, writeRecord, type IdbPlace } from '../io/idb-record.ts';
import type { DatasetSummary } from '../data/dataset-summary.ts';
import type { ImageDataset } from '../data/image-dataset.ts';
import type { MnistSplit } from '../data/mnist.ts';

const PLACE: IdbPlace = { db: 'webgpu-mnist-own-data', store: 'datasets' };
const KEY = 'latest';
/** The stored record's layout; another version is not read. */
const KEPT_VERSION = 1;

export interface KeptDataset {
  data: ImageDataset;
  summary: DatasetSummary;
}

/** Keeps `kept` (copies its sample images: the caller may transfer them). */
export function keepOwnDataset(kept: KeptDataset): Promise<void> {
  const summary = { ...kept.summary, samples: kept.summary.samples.map((s) => ({ ...s, image: s.image.slice() })) };
  return writeRecord(PLACE, KEY, { version: KEPT_VERSION, data: kept.data, summary });
}

function splitFits(split: Partial<MnistSplit> | undefined, pixels: number, classes: number): boolean {
  return (
    !!split &&
    Number.isInteger(split.count) &&
    split.images instanceof Uint8Array &&
    split.labels instanceof Uint8Array &&
    split.images.length === split.count! * pixels &&
    split.labels.length === split.count &&
    split.labels.every((l) => l < classes)
  );
}

/** The kept dataset, or undefined (none, malformed, or no IndexedDB). */
export async function loadKeptDataset(): Promise<KeptDataset | undefined> {
  const r = (await readRecord<{ version?: number; data?: Partial<ImageDataset>; summary?: DatasetSummary }>(PLACE, KEY).catch(() => undefined)) ?? {};
  const { data, summary } = r;
  if (r.version !== KEPT_VERSION || !data || !summary || !Array.isArray(data.classNames) || !Array.isArray(data.imageShape)) return undefined;
  const pixels = data.imageShape.reduce((a, b) => a * b, 1);
  const classes = data.classNames.length;
  if (!splitFits(data.train, pixels, classes) || !splitFits(data.test, pixels, classes) || !Array.isArray(summary.samples)) return undefined;
  return { data: data as ImageDataset, summary };
}
