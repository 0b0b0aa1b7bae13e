// The worker's map job (src/ui/test-map-job.ts) over a stand-in model: the first N test
// images go to the model in the worker's queue, the predicted classes are the probabilities'
// arg-max, the labels and images are the first N, the stages report in order; N is kept
// between MIN_MAP_POINTS and the test set's size.
import { describe, expect, it } from 'vitest';
import { mapCount, mapTestSet, type MapSource } from '../../src/ui/test-map-job.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { penultimateLayer } from '../../src/explain/penultimate.ts';

const MODEL = modelInfo(parseModelConfig({
  class_name: 'Sequential',
  config: {
    name: 'tiny',
    layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 2, 2, 1] } },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { name: 'hidden', units: 3, activation: 'relu' } },
      { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } },
    ],
  },
}));

describe('mapTestSet', () => {
  it('maps the first N test images: their labels, images and predicted classes, the stages in order', async () => {
    const total = 50;
    const labels = Uint8Array.from({ length: total }, (_, i) => i % 3);
    const images = Uint8Array.from({ length: total * 4 }, (_, i) => i % 251);
    const asked: number[] = [];
    let queued = 0;
    const source: MapSource = {
      model: MODEL,
      async penultimate(pixels, count = 0, onBatch) {
        asked.push(count);
        expect(pixels).toEqual(images.subarray(0, count * 4));
        const layer = penultimateLayer(MODEL);
        // Each image's features: a cloud per label; its probabilities favour (label + 1) % 3 for every fifth image.
        const features = new Float32Array(count * 3);
        const probabilities = new Float32Array(count * 3);
        for (let i = 0; i < count; i++) {
          features[i * 3 + labels[i]] = 5 + (i % 7) / 10;
          probabilities.set([0.1, 0.1, 0.1], i * 3);
          probabilities[i * 3 + (i % 5 === 0 ? (labels[i] + 1) % 3 : labels[i])] = 0.8;
        }
        onBatch?.(count);
        return { layer, features, probabilities };
      },
    };
    const stages: string[] = [];
    const map = await mapTestSet(
      {
        source,
        data: { test: { images, labels, count: total }, imageShape: [2, 2, 1], classNames: ['a', 'b', 'c'] },
        exclusive: (job) => (queued++, job()),
        progress: (stage, done, count) => stages.push(`${stage} ${done}/${count}`),
      },
      40,
    );
    expect(asked).toEqual([40]);
    expect(queued).toBe(1);
    expect(stages.slice(0, 3)).toEqual(['features 0/40', 'features 40/40', 'neighbours 0/1']);
    expect(stages.slice(3).every((st) => /^layout \d+\/400$/.test(st))).toBe(true);
    expect(stages[stages.length - 1]).toBe('layout 400/400');
    expect(map.count).toBe(40);
    expect(map.points.length).toBe(80);
    expect(Array.from(map.labels)).toEqual(Array.from(labels.subarray(0, 40)));
    expect(Array.from(map.images)).toEqual(Array.from(images.subarray(0, 160)));
    expect(Array.from(map.predicted)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? (labels[i] + 1) % 3 : labels[i])));
    expect(map.classNames).toEqual(['a', 'b', 'c']);
    expect(map.layer).toMatchObject({ dense: 'out', source: 'hidden', width: 3 });
    expect(map.settings).toEqual({ nNeighbors: 15, minDist: 0.1, nEpochs: 400, seed: 1 });
  });
});

describe('mapCount', () => {
  it('keeps the count between 4 and the test set, whole; nonsense asks for the default', () => {
    expect(mapCount(300, 10_000)).toBe(300);
    expect(mapCount(20_000, 10_000)).toBe(10_000);
    expect(mapCount(2.7, 10_000)).toBe(4);
    expect(mapCount(250.9, 10_000)).toBe(250);
    expect(mapCount(Number.NaN, 10_000)).toBe(2000);
    expect(mapCount(Number.NaN, 500)).toBe(500);
  });
});
