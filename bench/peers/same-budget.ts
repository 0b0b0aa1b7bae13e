// The accuracy a peer reaches with the short-run test's budget (test/gpu/trainer.gpu.test.ts):
// TensorFlow.js (tfjs-layers, CPU backend, in Node), the same model, Keras defaults, 1 epoch on
// the first 6,000 training images with validation_split 0.1, batch 128, Adam; then the 10,000
// test images. Run: `npx tsx bench/peers/same-budget.ts [seeds]`. Used to justify that test's floor.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadMnistFromDisk } from '../../src/data/mnist-node.ts';

function model(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.dropout({ rate: 0.25 }));
  m.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.dropout({ rate: 0.25 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  m.add(tfl.layers.dropout({ rate: 0.5 }));
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const toTensors = (images: Uint8Array, labels: Uint8Array, n: number) => ({
  x: tf.tensor4d(Float32Array.from(images.subarray(0, n * 784), (v) => v / 255), [n, 28, 28, 1]),
  y: tf.oneHot(tf.tensor1d(Array.from(labels.subarray(0, n)), 'int32'), 10),
});

const data = await loadMnistFromDisk();
await tf.setBackend('cpu');
const runs = Number(process.argv[2] ?? 3);
const train = toTensors(data.train.images, data.train.labels, 6000);
const test = toTensors(data.test.images, data.test.labels, 10000);
for (let seed = 0; seed < runs; seed++) {
  const m = model();
  const t0 = performance.now();
  await m.fit(train.x, train.y, { epochs: 1, batchSize: 128, validationSplit: 0.1, shuffle: true, verbose: 0 });
  const [loss, acc] = m.evaluate(test.x, test.y, { batchSize: 500 }) as tf.Scalar[];
  console.log(`run ${seed + 1}: test loss ${(await loss.data())[0].toFixed(4)} accuracy ${(await acc.data())[0].toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
