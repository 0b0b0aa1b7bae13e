// A stand-in for src/train/trainer.ts used by the CLI's end-to-end test of its plumbing
// (MNIST_TRAINER_MODULE=test/cli/fake-trainer.ts): it does no GPU work, emits a plausible
// event stream, predicts from the labels and hands back the initial weights unchanged, so
// that --init -> model.json round trips can be checked bit for bit.
import type { Gpu } from '../../src/gpu/device.ts';
import { describeAdapter } from '../../src/gpu/device.ts';
import type { Mnist } from '../../src/data/mnist.ts';
import { initParams } from '../../src/model/init.ts';
import type { Evaluation, History, TrainEvent, TrainOptions } from '../../src/train/types.ts';
import { modelOf } from '../../src/train/options.ts';
import type { ModelInfo } from '../../src/model/model-info.ts';

/** The build cost it reports (it builds nothing). */
export const FAKE_BUILD = { pipelines: 3, ms: 1250, evaluation: { pipelines: 1, ms: 250 } };

export class Trainer {
  readonly model: ModelInfo;

  private constructor(
    private readonly gpu: Gpu,
    private readonly data: Mnist,
    private readonly options: TrainOptions,
    private readonly weights: Float32Array,
  ) {
    this.model = modelOf(options);
  }

  static async create(gpu: Gpu, data: Mnist, options: TrainOptions, initialWeights?: Float32Array): Promise<Trainer> {
    return new Trainer(gpu, data, options, initialWeights ? initialWeights.slice() : initParams(modelOf(options).params, options.seed));
  }

  async fit(onEvent: (e: TrainEvent) => void): Promise<History> {
    const o = this.options;
    const n = Math.min(o.limit ?? this.data.train.count, this.data.train.count);
    const trainCount = Math.floor(n * (1 - o.validationSplit));
    const steps = Math.ceil(trainCount / o.batchSize);
    onEvent({ type: 'start', adapter: describeAdapter(this.gpu.adapter), trainCount, validationCount: n - trainCount, stepsPerEpoch: steps, options: o, build: FAKE_BUILD });
    const history: History = { epochs: [] };
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      for (let step = 1; step <= steps; step++) {
        onEvent({ type: 'progress', epoch, step, steps, loss: 1 / (epoch + step), accuracy: 0.5, samplesPerSecond: 1000, batchLosses: [0.5] });
      }
      const record = { loss: 0.5 / epoch, accuracy: 0.9, val_loss: 0.4 / epoch, val_accuracy: 0.95, seconds: 0.25 };
      history.epochs.push(record);
      onEvent({ type: 'epoch', epoch, ...record });
    }
    return history;
  }

  async evaluate(): Promise<Evaluation> {
    return { loss: 0.125, accuracy: 0.875, count: this.data.test.count };
  }

  /** Right on every image but the third (predicted as label + 1). */
  async predict(_images: Uint8Array, count: number): Promise<Float32Array> {
    const out = new Float32Array(count * 10);
    for (let i = 0; i < count; i++) {
      const label = this.data.test.labels[i];
      out[i * 10 + (i === 2 ? (label + 1) % 10 : label)] = 1;
    }
    return out;
  }

  async getWeights(): Promise<Float32Array> {
    return this.weights.slice();
  }

  destroy(): void {}
}
