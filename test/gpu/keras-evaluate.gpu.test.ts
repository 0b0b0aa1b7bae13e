// A Keras-trained model evaluated here: mnist-cnn.keras (saved by Keras 3.15.1 on JAX) is
// read in the browser (h5wasm's WASM and fflate under Vite), its variables mapped onto the
// parameter table, and the Trainer's evaluation of the 10,000 MNIST test images must give
// Keras's own test accuracy exactly and its loss within 1e-4. Then the weights read back from
// the GPU are written as .keras in the browser and read back bit for bit.
import { describe, expect, it } from 'vitest';
import mnistCnnUrl from '../fixtures/keras/mnist-cnn.keras?url';
import kerasScores from '../fixtures/keras/mnist-cnn.json';
import { fetchMnist } from '../../src/data/mnist.ts';
import { readKerasFile, writeKerasFile } from '../../src/io/keras-file.ts';
import { adamFromKeras, kerasFileFrom, layoutOf, paramsFromKeras } from '../../src/io/keras-mapping.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

const LAYOUT = layoutOf(DEFAULT_MODEL);
import { Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/train/types.ts';
import { getGpu } from './gpu-fixture.ts';

describe('mnist-cnn.keras evaluated on the GPU', () => {
  it("gives Keras's test accuracy exactly and its test loss within 1e-4", async () => {
    let t = performance.now();
    const lap = (what: string) => {
      console.log(`${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
    };
    const bytes = new Uint8Array(await (await fetch(mnistCnnUrl)).arrayBuffer());
    const file = await readKerasFile(bytes, 'mnist-cnn.keras');
    const params = paramsFromKeras(file, 'mnist-cnn.keras', LAYOUT);
    lap('read and map mnist-cnn.keras');
    const gpu = await getGpu();
    const data = await fetchMnist('/mnist');
    lap('device and MNIST');
    // Training images are not used: upload few of them.
    const trainer = await Trainer.create(gpu, data, { ...DEFAULT_TRAIN_OPTIONS, limit: 1000, validationSplit: 0 }, params);
    lap('Trainer.create');
    try {
      const test = await trainer.evaluate();
      lap('evaluate (10,000 test images)');
      console.log(JSON.stringify(test), JSON.stringify(kerasScores));
      expect(test.count).toBe(kerasScores.test_images);
      // Keras reports a float32 mean: 8708 / 10000 as float32
      expect(Math.round(test.accuracy * test.count)).toBe(Math.round(kerasScores.test_accuracy * kerasScores.test_images));
      expect(Math.fround(test.accuracy)).toBe(kerasScores.test_accuracy);
      expect(Math.abs(test.loss - kerasScores.test_loss)).toBeLessThan(1e-4);

      const weights = await trainer.getWeights();
      const written = await writeKerasFile(
        kerasFileFrom({ layout: LAYOUT, params: weights, config: file.config, metadata: file.metadata, adam: adamFromKeras(file, 'mnist-cnn.keras', LAYOUT) }),
      );
      const back = paramsFromKeras(await readKerasFile(written, 'written.keras'), 'written.keras', LAYOUT);
      const expectedBits = new Uint32Array(weights.buffer, weights.byteOffset, weights.length);
      const differing = new Uint32Array(back.buffer).findIndex((x, i) => x !== expectedBits[i]);
      expect(differing).toBe(-1);
      lap('write and read back in the browser');
    } finally {
      trainer.destroy();
    }
  });
});
