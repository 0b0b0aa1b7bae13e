// Keras-trained models evaluated here: mnist-cnn.keras and small-bn.keras (saved by Keras
// 3.15.1 on JAX; small-bn has BatchNormalization, average pooling, strided 'same'
// convolutions, 'same' max pooling, tanh and global average pooling) are read in the browser
// (h5wasm's WASM and fflate under Vite), their models built from config.json, and an
// evaluation-only GpuModel's figures on the 10,000 MNIST test images must give Keras's own test
// accuracy exactly and its loss within 1e-4. Then the weights read back from the GPU are
// written as .keras in the browser and read back bit for bit.
import { describe, expect, it } from 'vitest';
import mnistCnnUrl from '../fixtures/keras/mnist-cnn.keras?url';
import mnistCnnScores from '../fixtures/keras/mnist-cnn.json';
import smallBnUrl from '../fixtures/keras/small-bn.keras?url';
import smallBnScores from '../fixtures/keras/small-bn.json';
import { fetchMnist, type Mnist } from '../../src/data/mnist.ts';
import { readKerasFile, writeKerasFile } from '../../src/io/keras-file.ts';
import { layoutOf, paramsFromKeras } from '../../src/io/keras-mapping.ts';
import { kerasFileOfModel, modelFromKerasFile } from '../../src/io/keras-model.ts';
import { GpuModel } from '../../src/train/gpu-model.ts';
import { getGpu } from './gpu-fixture.ts';

let mnist: Promise<Mnist> | undefined;

async function evaluateFixture(url: string, name: string, scores: { test_loss: number; test_accuracy: number; test_images: number }) {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const file = await readKerasFile(bytes, name);
  const { model, params, adam } = modelFromKerasFile(file, name);
  const gpu = await getGpu();
  const data = await (mnist ??= fetchMnist('/mnist'));
  const gpuModel = new GpuModel({ device: gpu.device, root: gpu.root }, model, params, data.test);
  try {
    const test = await gpuModel.evaluate();
    console.log(name, JSON.stringify(test), JSON.stringify(scores));
    expect(test.count).toBe(scores.test_images);
    // Keras reports a float32 mean, e.g. 8708 / 10000 as float32.
    expect(Math.fround(test.accuracy)).toBe(scores.test_accuracy);
    expect(Math.abs(test.loss - scores.test_loss)).toBeLessThan(1e-4);

    const weights = await gpuModel.getWeights();
    const written = await writeKerasFile(kerasFileOfModel(model, weights, adam ? { adam } : {}));
    const back = paramsFromKeras(await readKerasFile(written, 'written.keras'), 'written.keras', layoutOf(model));
    const expectedBits = new Uint32Array(weights.buffer, weights.byteOffset, weights.length);
    expect(new Uint32Array(back.buffer).findIndex((x, i) => x !== expectedBits[i])).toBe(-1);
  } finally {
    gpuModel.destroy();
  }
}

describe('Keras files evaluated on the GPU', () => {
  it("mnist-cnn.keras gives Keras's test accuracy exactly and its test loss within 1e-4", () =>
    evaluateFixture(mnistCnnUrl, 'mnist-cnn.keras', mnistCnnScores));
  it("small-bn.keras (BatchNormalization, pooling, strided 'same', tanh, global pooling) likewise", () =>
    evaluateFixture(smallBnUrl, 'small-bn.keras', smallBnScores));
});
