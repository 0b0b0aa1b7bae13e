// A non-seed model built and saved by TensorFlow.js (tfjs-nonseed.ts) read by readModel: the
// topology (strided 'same' convolution, BatchNormalization, average and global pooling, sigmoid
// without bias) and every weight land where the float64 reference computes TF.js's own
// probabilities and loss from them. The GPU test (test/gpu/tfjs-nonseed.gpu.test.ts) and the
// CLI test (test/cli/tfjs-nonseed.e2e.test.ts) check the same model on the GPU.
import { beforeAll, describe, expect, it } from 'vitest';
import { exportModel, readModel } from '../../src/io/tfjs-model.ts';
import { loadMnistFromDisk } from '../../src/data/mnist-node.ts';
import type { Mnist } from '../../src/data/mnist.ts';
import { sequentialForward } from '../reference/sequential.ts';
import { softmaxCrossEntropy } from '../reference/loss.ts';
import { buildNonSeedModel, CLASSES, tfjsFigures } from './tfjs-nonseed.ts';
import { layerShapes, loadIntoTfjs, saveWithTfjs, useCpuBackend } from './tfjs-io.ts';

const N = 64;

let mnist: Mnist;
beforeAll(async () => {
  await useCpuBackend();
  mnist = await loadMnistFromDisk();
});

describe('a non-seed TF.js model read by readModel', () => {
  it('has the topology TF.js saved and computes, in float64, TF.js\'s probabilities and loss', async () => {
    const tfModel = buildNonSeedModel();
    const saved = await saveWithTfjs(tfModel);
    const want = await tfjsFigures(tfModel, mnist.test, N);
    tfModel.dispose();

    const r = readModel(saved.modelJson, new Map([[saved.weightsPath, saved.weightsBin]]));
    expect(r.renamed).toEqual([]);
    expect(r.ignored).toEqual([]);
    expect(r.model.layers.map((l) => `${l.spec.type} ${l.outputShape.join('x')}`)).toEqual([
      'Conv2D 14x14x6', 'BatchNormalization 14x14x6', 'AveragePooling2D 7x7x6', 'Conv2D 5x5x12', 'GlobalAveragePooling2D 12', 'Dense 10',
    ]);
    expect(r.model.params.count).toBe(5 * 5 * 6 + 6 + 4 * 6 + 3 * 3 * 6 * 12 + 12 * 10 + 10);
    // The moving statistics TF.js saved are the drawn ones, far from its defaults (0 and 1).
    const tensor = (suffix: string) => {
      const p = r.model.params.entries.find((e) => e.name.endsWith(suffix))!;
      return Array.from(r.params.subarray(p.offset, p.offset + p.size));
    };
    for (const v of tensor('/moving_variance')) expect(v >= 0.02 && v < 0.3, `moving variance ${v}`).toBe(true);
    expect(Math.max(...tensor('/moving_mean').map(Math.abs))).toBeGreaterThan(0.1);

    const x = Float64Array.from(mnist.test.images.subarray(0, N * 784), (v) => Math.fround(v / 255));
    const fwd = sequentialForward(r.model, Float64Array.from(r.params), x, null);
    const { loss } = softmaxCrossEntropy(fwd.logits, mnist.test.labels.subarray(0, N), N, CLASSES);
    let worst = 0;
    for (let i = 0; i < N * CLASSES; i++) {
      const row = Math.floor(i / CLASSES) * CLASSES;
      const logits = fwd.logits.subarray(row, row + CLASSES);
      const m = Math.max(...logits);
      const z = logits.reduce((s, v) => s + Math.exp(v - m), 0);
      worst = Math.max(worst, Math.abs(Math.exp(fwd.logits[i] - m) / z - want.probs[i]));
    }
    // TF.js computes in float32: a few ulps of the largest probability.
    expect(worst).toBeLessThan(2e-6);
    expect(Math.abs(loss - want.loss)).toBeLessThan(2e-6);
  });

  it('exportModel writes it back so that TF.js loads the same layers and computes the same probabilities', async () => {
    const tfModel = buildNonSeedModel();
    const saved = await saveWithTfjs(tfModel);
    const want = await tfjsFigures(tfModel, mnist.test, N);
    const r = readModel(saved.modelJson, new Map([[saved.weightsPath, saved.weightsBin]]));
    const { modelJson, weightsBin } = exportModel(r.model, r.params);
    const back = await loadIntoTfjs(JSON.parse(JSON.stringify(modelJson)), weightsBin);
    expect(layerShapes(back)).toEqual(layerShapes(tfModel));
    const got = await tfjsFigures(back, mnist.test, N);
    // The same float32 computation on the same weights: identical.
    expect(Array.from(got.probs)).toEqual(Array.from(want.probs));
    tfModel.dispose();
    back.dispose();
  });
});
