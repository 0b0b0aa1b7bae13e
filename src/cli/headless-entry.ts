// The page side of `npm run train`: acquires WebGPU, loads MNIST from the dev server, runs the
// Trainer and streams its events to Node through the exposed binding. Node calls
// `window.mnistHeadless.run(config)` and gets a HeadlessResult (never a rejection).
import { acquireGpu, describeAdapter } from '../gpu/device.ts';
import { fetchMnist, MNIST_URL_PATH, type Mnist } from '../data/mnist.ts';
import { Trainer } from '../train/trainer.ts';
import type { TrainEvent } from '../train/types.ts';
import {
  base64ToFloats,
  bytesToBase64,
  EVENT_BINDING,
  floatsToBase64,
  PAGE_API,
  type HeadlessConfig,
  type HeadlessResult,
} from './protocol.ts';

type TrainerClass = Pick<typeof Trainer, 'create'>;

function send(event: TrainEvent): void {
  const sink = (globalThis as Record<string, unknown>)[EVENT_BINDING] as ((e: TrainEvent) => Promise<void>) | undefined;
  // Fire and forget: the binding delivers in order; awaiting it would slow training down.
  void sink?.(event);
}

async function run(config: HeadlessConfig): Promise<HeadlessResult> {
  let stage = 'acquiring a WebGPU device';
  let trainer: Trainer | undefined;
  try {
    const gpu = await acquireGpu();
    stage = 'loading MNIST';
    const data: Mnist = await fetchMnist(import.meta.env.BASE_URL + MNIST_URL_PATH);
    let TrainerImpl: TrainerClass = Trainer;
    if (config.trainerModule) {
      // Tests only: a stand-in Trainer (the driver adds it to Vite's dependency scan).
      stage = 'loading the trainer';
      TrainerImpl = ((await import(/* @vite-ignore */ config.trainerModule)) as { Trainer: TrainerClass }).Trainer;
    }
    stage = 'building the trainer';
    const initial = config.initialWeights ? base64ToFloats(config.initialWeights) : undefined;
    trainer = (await TrainerImpl.create(gpu, data, config.options, initial)) as Trainer;
    stage = 'training';
    const history = await trainer.fit(send);
    stage = 'evaluating';
    const test = await trainer.evaluate();
    send({ type: 'test', loss: test.loss, accuracy: test.accuracy });
    stage = 'predicting';
    const n = Math.min(config.samples, data.test.count);
    const images = data.test.images.slice(0, n * 28 * 28);
    const probs = await trainer.predict(images, n);
    const probabilities: number[][] = [];
    for (let i = 0; i < n; i++) probabilities.push(Array.from(probs.subarray(i * 10, i * 10 + 10)));
    stage = 'reading the weights';
    const weights = await trainer.getWeights();
    return {
      ok: true,
      adapter: describeAdapter(gpu.adapter),
      epochs: history.epochs,
      test,
      weights: floatsToBase64(weights),
      samples: { images: bytesToBase64(images), labels: Array.from(data.test.labels.subarray(0, n)), probabilities },
    };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, stage, error: { name: err.name, message: err.message, stack: err.stack } };
  } finally {
    trainer?.destroy();
  }
}

(globalThis as Record<string, unknown>)[PAGE_API] = { run };
