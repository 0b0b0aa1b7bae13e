// One headless training run, independent of where WebGPU comes from: the page
// (headless-entry.ts, navigator.gpu) and Node (node-entry.ts, the `webgpu` package) both call
// it. Acquires the device, loads MNIST, trains, evaluates, predicts samples and returns the
// weights; never rejects (errors come back with the stage that failed).
import { acquireGpu, describeAdapter } from '../gpu/device.ts';
import type { Mnist } from '../data/mnist.ts';
import { Trainer } from '../train/trainer.ts';
import type { TrainEvent } from '../train/types.ts';
import { base64ToFloats, bytesToBase64, floatsToBase64, type HeadlessConfig, type HeadlessResult } from './protocol.ts';

type TrainerClass = Pick<typeof Trainer, 'create'>;

export interface HeadlessDeps {
  gpu: GPU | undefined;
  loadData(): Promise<Mnist>;
  send(event: TrainEvent): void;
  /** Tests only: loads a stand-in Trainer module. */
  loadTrainer?(path: string): Promise<TrainerClass>;
}

export async function runHeadless(config: HeadlessConfig, deps: HeadlessDeps): Promise<HeadlessResult> {
  let stage = 'acquiring a WebGPU device';
  let trainer: Trainer | undefined;
  try {
    const gpu = await acquireGpu(deps.gpu);
    stage = 'loading MNIST';
    const data = await deps.loadData();
    let TrainerImpl: TrainerClass = Trainer;
    if (config.trainerModule && deps.loadTrainer) {
      stage = 'loading the trainer';
      TrainerImpl = await deps.loadTrainer(config.trainerModule);
    }
    stage = 'building the trainer';
    const initial = config.initialWeights ? base64ToFloats(config.initialWeights) : undefined;
    trainer = (await TrainerImpl.create(gpu, data, config.options, initial)) as Trainer;
    stage = 'training';
    const history = await trainer.fit(deps.send);
    stage = 'evaluating';
    const test = await trainer.evaluate(config.testLimit ?? undefined);
    deps.send({ type: 'test', loss: test.loss, accuracy: test.accuracy });
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
