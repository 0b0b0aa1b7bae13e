// The map's projection (src/explain/projection.ts, UMAP from umap-js seeded with the
// project's Rng): the same features and seed give the same map, another seed another; three
// well-separated clouds in 16-D stay three clouds in 2-D; progress is reported to the end.
import { describe, expect, it } from 'vitest';
import { MAP_SETTINGS, projectUmap, type ProjectionProgress } from '../../src/explain/projection.ts';
import { Rng } from '../../src/model/rng.ts';

const WIDTH = 16;
const PER_CLOUD = 30;
const QUICK = { ...MAP_SETTINGS, nEpochs: 80 };

/** Three clouds of 30 points (normal noise of 0.3 around centres 10 apart); cloud k's points at [30k, 30k + 30). */
function clouds(rng: Rng): Float32Array {
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  const out = new Float32Array(3 * PER_CLOUD * WIDTH);
  for (let i = 0; i < 3 * PER_CLOUD; i++) {
    const k = Math.floor(i / PER_CLOUD);
    for (let d = 0; d < WIDTH; d++) out[i * WIDTH + d] = (d % 3 === k ? 10 : 0) + 0.3 * normal();
  }
  return out;
}

describe('projectUmap', () => {
  it('keeps separate clouds apart: every point nearest a point of its own cloud, the clouds far apart', async () => {
    const features = clouds(new Rng(3));
    const progress: ProjectionProgress[] = [];
    const xy = await projectUmap(features, 3 * PER_CLOUD, WIDTH, QUICK, (p) => progress.push(p));
    expect(xy.length).toBe(2 * 3 * PER_CLOUD);
    const cloud = (i: number) => Math.floor(i / PER_CLOUD);
    let ownNearest = 0;
    for (let i = 0; i < 3 * PER_CLOUD; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < 3 * PER_CLOUD; j++) {
        const d = j === i ? Infinity : (xy[2 * i] - xy[2 * j]) ** 2 + (xy[2 * i + 1] - xy[2 * j + 1]) ** 2;
        if (d < bestD) [best, bestD] = [j, d];
      }
      if (cloud(best) === cloud(i)) ownNearest++;
    }
    expect(ownNearest).toBe(3 * PER_CLOUD);
    // Each cloud's centre is farther from the others' than any of its points is from it.
    const centres = [0, 1, 2].map((k) => {
      let [x, y] = [0, 0];
      for (let i = k * PER_CLOUD; i < (k + 1) * PER_CLOUD; i++) [x, y] = [x + xy[2 * i] / PER_CLOUD, y + xy[2 * i + 1] / PER_CLOUD];
      return [x, y];
    });
    const spread = Math.max(...Array.from({ length: 3 * PER_CLOUD }, (_, i) => Math.hypot(xy[2 * i] - centres[cloud(i)][0], xy[2 * i + 1] - centres[cloud(i)][1])));
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]]) expect(Math.hypot(centres[a][0] - centres[b][0], centres[a][1] - centres[b][1])).toBeGreaterThan(spread);
    expect(progress[0]).toEqual({ stage: 'neighbours', done: 0, total: 1 });
    expect(progress[progress.length - 1]).toEqual({ stage: 'layout', done: QUICK.nEpochs, total: QUICK.nEpochs });
  });

  it('gives the same map for the same seed and another for another seed', async () => {
    const features = clouds(new Rng(4));
    const a = await projectUmap(features, 3 * PER_CLOUD, WIDTH, QUICK);
    const b = await projectUmap(features, 3 * PER_CLOUD, WIDTH, QUICK);
    const c = await projectUmap(features, 3 * PER_CLOUD, WIDTH, { ...QUICK, seed: 2 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('refuses too few points and features that are not whole rows', async () => {
    await expect(projectUmap(new Float32Array(3 * WIDTH), 3, WIDTH)).rejects.toThrow(/a map needs at least 4 images, got 3/);
    await expect(projectUmap(new Float32Array(10), 5, WIDTH)).rejects.toThrow(/10 feature values are not 5 images of 16/);
  });
});
