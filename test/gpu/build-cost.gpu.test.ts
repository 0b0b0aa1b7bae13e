// What building a trainer costs: Trainer.build counts the pipelines the build compiled (the
// device's pipeline counter agrees), and a second trainer or evaluation model of the same model
// on the same device compiles none (the device's pipeline cache serves every build).
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { modelOf } from '../../src/train/options.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { GpuModel } from '../../src/train/gpu-model.ts';
import { pipelinesCompiled } from '../../src/gpu/pipeline-cache.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../../src/train/types.ts';
import { fakeMnist } from './fake-mnist.ts';
import { getGpu } from './gpu-fixture.ts';

// A small model (few pipelines, quick to compile): flatten, dense relu, dense softmax.
const model = parseModelConfig({
  class_name: 'Sequential',
  config: {
    name: 'tiny_dense',
    layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 28, 28, 1], name: 'input_layer' } },
      { class_name: 'Flatten', config: { name: 'flatten' } },
      { class_name: 'Dense', config: { name: 'dense', units: 16, activation: 'relu' } },
      { class_name: 'Dense', config: { name: 'dense_1', units: 10, activation: 'softmax' } },
    ],
  },
});
const data = fakeMnist(40, 20, 5);
const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, model, epochs: 1, batchSize: 16, limit: 40, validationSplit: 0.2 };

describe('build cost', () => {
  it('counts the pipelines a build compiles; a second trainer and an evaluation model of the same model compile none', async () => {
    const gpu = await getGpu();
    const before = pipelinesCompiled(gpu.device);
    const first = await Trainer.create(gpu, data, options);
    const compiled = pipelinesCompiled(gpu.device) - before;
    expect(first.build.pipelines).toBe(compiled);
    expect(first.build.pipelines).toBeGreaterThan(3);
    expect(first.build.ms).toBeGreaterThan(0);
    // its evaluation model (test set, prediction), built inside it: part of its pipelines
    expect(first.build.evaluation.pipelines).toBeGreaterThan(0);
    expect(first.build.evaluation.pipelines).toBeLessThan(first.build.pipelines);
    first.destroy();

    const second = await Trainer.create(gpu, data, options);
    expect(second.build.pipelines).toBe(0);
    const model = new GpuModel({ device: gpu.device, root: gpu.root }, modelOf(options), await second.getWeights(), data.test);
    expect(model.build.pipelines).toBe(0);
    expect(pipelinesCompiled(gpu.device) - before).toBe(compiled);
    model.destroy();

    // Other options that change the kernels' constants compile what is new, and only that.
    const other = await Trainer.create(gpu, data, { ...options, optimizer: 'sgd', learningRate: 0.01 });
    expect(other.build.pipelines).toBeGreaterThan(0);
    expect(other.build.pipelines).toBeLessThan(compiled);
    other.destroy();
    second.destroy();
  });
});
