// The map's projection: N feature vectors to 2-D with UMAP (the umap-js package: nearest
// neighbours by NN-descent, then the layout optimised epoch by epoch), seeded with the
// project's Rng so that the same features always give the same map. The epochs run in chunks
// with a pause between them (a worker answers its other messages meanwhile) and report their
// progress.
import { UMAP } from 'umap-js';
import { Rng } from '../model/rng.ts';

export interface MapSettings {
  /** Neighbours each point's fuzzy neighbourhood is built from (fewer for fewer points). */
  nNeighbors: number;
  /** How tightly points may pack in the map (UMAP's min_dist). */
  minDist: number;
  /** Optimisation epochs of the layout. */
  nEpochs: number;
  /** The Rng's seed: every random draw of the projection comes from it. */
  seed: number;
}

export const MAP_SETTINGS: Readonly<MapSettings> = { nNeighbors: 15, minDist: 0.1, nEpochs: 400, seed: 1 };

/** The fewest points a map is made of. */
export const MIN_MAP_POINTS = 4;

export interface ProjectionProgress {
  /** 'neighbours' (done 0 of 1 until they are found) or 'layout' (epochs done of all). */
  stage: 'neighbours' | 'layout';
  done: number;
  total: number;
}

/** Lets other work run between chunks of epochs (a macrotask: a worker's messages get through). */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * (count, 2) map coordinates of `count` vectors of `width` floats (row after row in
 * `features`). Runs `epochsPerChunk` epochs between pauses.
 */
export async function projectUmap(
  features: Float32Array,
  count: number,
  width: number,
  settings: Readonly<MapSettings> = MAP_SETTINGS,
  onProgress?: (p: ProjectionProgress) => void,
  epochsPerChunk = 10,
): Promise<Float32Array> {
  if (!Number.isInteger(count) || count < MIN_MAP_POINTS) throw new Error(`a map needs at least ${MIN_MAP_POINTS} images, got ${count}`);
  if (features.length !== count * width) throw new Error(`map: ${features.length} feature values are not ${count} images of ${width}`);
  const rows = Array.from({ length: count }, (_, i) => Array.from(features.subarray(i * width, (i + 1) * width)));
  const rng = new Rng(settings.seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(settings.nNeighbors, count - 1),
    minDist: settings.minDist,
    nEpochs: settings.nEpochs,
    random: () => rng.nextFloat(),
  });
  onProgress?.({ stage: 'neighbours', done: 0, total: 1 });
  await nextTask();
  const epochs = umap.initializeFit(rows);
  for (let done = 0; done < epochs; ) {
    const end = Math.min(epochs, done + epochsPerChunk);
    while (done < end) {
      umap.step();
      done++;
    }
    onProgress?.({ stage: 'layout', done, total: epochs });
    if (done < epochs) await nextTask();
  }
  const embedding = umap.getEmbedding();
  const out = new Float32Array(count * 2);
  embedding.forEach(([x, y], i) => {
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
}
