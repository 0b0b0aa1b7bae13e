// The worker's side of the page's map of the test set: the first N test images through the
// current model on the GPU (the input of its last Dense layer and its predictions, a batch at
// a time), then those features projected to 2-D with UMAP (src/explain/projection.ts) between
// the worker's other messages. Each stage reports its progress; the answer carries the points,
// the true and predicted classes and the images (for the hover).
import type { Mnist } from '../data/mnist.ts';
import type { PenultimateLayer } from '../explain/penultimate.ts';
import { MAP_SETTINGS, MIN_MAP_POINTS, projectUmap, type MapSettings } from '../explain/projection.ts';
import type { ModelInfo } from '../model/model-info.ts';
import type { PenultimateOutputs } from '../train/gpu-model.ts';

/** The map's default size: the first 2,000 test images (or all where there are fewer). */
export const DEFAULT_MAP_COUNT = 2000;

export interface TestMap {
  count: number;
  /** (count, 2) UMAP coordinates. */
  points: Float32Array;
  /** (count) true and predicted classes. */
  labels: Uint8Array;
  predicted: Uint8Array;
  /** (count, H, W, C) the images' bytes. */
  images: Uint8Array;
  imageShape: [number, number, number];
  classNames: string[];
  /** The tensor mapped. */
  layer: PenultimateLayer;
  settings: MapSettings;
  /** Wall time of the GPU pass (features) and of UMAP (projection). */
  seconds: { features: number; projection: number };
}

export type MapStage = 'features' | 'neighbours' | 'layout';

/** What the map needs of the worker's current model (a Trainer or a GpuModel). */
export interface MapSource {
  readonly model: ModelInfo;
  penultimate(images: Uint8Array, count?: number, onBatch?: (done: number) => void): Promise<PenultimateOutputs>;
}

export interface MapJob {
  source: MapSource;
  data: Pick<Mnist, 'test' | 'imageShape' | 'classNames'>;
  /** Runs GPU work in the worker's queue (one user of the model at a time). */
  exclusive<T>(job: () => Promise<T>): Promise<T>;
  progress(stage: MapStage, done: number, total: number): void;
}

/** How many images a request for `asked` maps: at least MIN_MAP_POINTS, at most the test set. */
export function mapCount(asked: number, testCount: number): number {
  const n = Number.isFinite(asked) ? Math.floor(asked) : DEFAULT_MAP_COUNT;
  return Math.min(testCount, Math.max(MIN_MAP_POINTS, n));
}

export async function mapTestSet(job: MapJob, asked: number): Promise<TestMap> {
  const { source, data } = job;
  const count = mapCount(asked, data.test.count);
  if (count < MIN_MAP_POINTS) throw new Error(`a map needs at least ${MIN_MAP_POINTS} test images; the dataset has ${data.test.count}`);
  const pixels = source.model.inputSize;
  const images = data.test.images.slice(0, count * pixels);
  const t0 = performance.now();
  job.progress('features', 0, count);
  const out = await job.exclusive(() => source.penultimate(images, count, (done) => job.progress('features', done, count)));
  const t1 = performance.now();
  const points = await projectUmap(out.features, count, out.layer.width, MAP_SETTINGS, (p) => job.progress(p.stage, p.done, p.total));
  const t2 = performance.now();
  const classes = source.model.classes;
  const predicted = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (out.probabilities[i * classes + c] > out.probabilities[i * classes + best]) best = c;
    predicted[i] = best;
  }
  return {
    count,
    points,
    labels: data.test.labels.slice(0, count),
    predicted,
    images,
    imageShape: [...data.imageShape],
    classNames: [...data.classNames],
    layer: out.layer,
    settings: { ...MAP_SETTINGS },
    seconds: { features: (t1 - t0) / 1000, projection: (t2 - t1) / 1000 },
  };
}
