// A non-seed model built and saved by TensorFlow.js in this browser (test/io/tfjs-nonseed.ts:
// 5x5 'same' stride-2 tanh convolution, BatchNormalization with non-default moving statistics,
// average pooling, a sigmoid convolution without bias, global average pooling, softmax Dense),
// read by readModel and evaluated by an evaluation-only GpuModel: its probabilities, loss and
// accuracy on the first MNIST test images are TF.js's own (cpu backend), to float32 tolerances.
import { describe, expect, it } from 'vitest';
import { fetchMnist, type MnistSplit } from '../../src/data/mnist.ts';
import { readModel } from '../../src/io/tfjs-model.ts';
import { GpuModel } from '../../src/train/gpu-model.ts';
import { buildNonSeedModel, CLASSES, tfjsFigures } from '../io/tfjs-nonseed.ts';
import { saveWithTfjs, useCpuBackend } from '../io/tfjs-io.ts';
import { getGpu } from './gpu-fixture.ts';

const N = 200;

function firstImages(split: MnistSplit, n: number): MnistSplit {
  return { images: split.images.slice(0, n * 784), labels: split.labels.slice(0, n), count: n };
}

describe('a TF.js model.json of a non-seed architecture on the GPU', () => {
  it("evaluates to TF.js's probabilities, loss and accuracy", async () => {
    await useCpuBackend();
    const tfModel = buildNonSeedModel();
    const saved = await saveWithTfjs(tfModel);
    const test = firstImages((await fetchMnist('/mnist')).test, N);
    const want = await tfjsFigures(tfModel, test, N);
    tfModel.dispose();

    const { model, params } = readModel(saved.modelJson, new Map([[saved.weightsPath, saved.weightsBin]]));
    const gpu = await getGpu();
    const gpuModel = new GpuModel({ device: gpu.device, root: gpu.root }, model, params, test);
    try {
      const probs = await gpuModel.predict(test.images, N);
      let worst = 0;
      for (let i = 0; i < N * CLASSES; i++) worst = Math.max(worst, Math.abs(probs[i] - want.probs[i]));
      const got = await gpuModel.evaluate();
      console.log(`tfjs-nonseed: TF.js loss ${want.loss} accuracy ${want.accuracy}; GPU ${JSON.stringify(got)}; worst |dp| ${worst.toExponential(2)}`);
      // float32 on both sides, different summation orders: a few ulps of probabilities below 0.5
      // (measured 9e-8 on SwiftShader), and of a mean of losses near 2.8.
      expect(worst).toBeLessThan(1e-6);
      expect(got.count).toBe(N);
      expect(Math.abs(got.loss - want.loss)).toBeLessThan(2e-6);
      // An image whose two best classes lie within 1e-5 may flip in float32: none may differ otherwise.
      expect(Math.abs(got.accuracy - want.accuracy) * N).toBeLessThanOrEqual(want.nearTies + 1e-3);
    } finally {
      gpuModel.destroy();
    }
  });
});
