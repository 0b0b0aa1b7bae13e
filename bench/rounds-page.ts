// Page side of our training in the interleaved rounds (bench/rounds.ts): the browser's WebGPU,
// MNIST from the dev server, one TrainRig at a time, and its model's prediction (GpuModel over
// the rig's parameters) for the inference rounds.
import { acquireGpu, describeAdapter, type Gpu } from '../src/gpu/device.ts';
import { fetchMnist, type Mnist } from '../src/data/mnist.ts';
import { parseModelConfig } from '../src/model/model-spec.ts';
import { modelInfo } from '../src/model/model-info.ts';
import { ADAM_DEFAULTS } from '../src/layers/optimizer.ts';
import { GpuModel } from '../src/train/gpu-model.ts';
import { TrainRig } from './train-rig.ts';
import { ROUNDS_API_GLOBAL, type RoundsPageApi } from './rounds-protocol.ts';

let gpu: Promise<Gpu> | undefined;
let data: Promise<Mnist> | undefined;
let rig: TrainRig | undefined;
let predictor: GpuModel | undefined; // the prepared model's evaluation side, over the rig's parameters

const api: RoundsPageApi = {
  async prepare(request) {
    gpu ??= acquireGpu(navigator.gpu);
    data ??= fetchMnist('/mnist');
    const [g, d] = await Promise.all([gpu, data]);
    predictor?.destroy();
    predictor = undefined;
    rig?.destroy();
    rig = undefined;
    const model = modelInfo(parseModelConfig(request.modelConfig));
    rig = new TrainRig(g, d, model, { batch: request.batch, seed: request.seed, learningRate: ADAM_DEFAULTS.lr });
    const validation = await rig.validate();
    return { params: model.layers.reduce((a, l) => a + l.paramCount, 0), adapter: describeAdapter(g.adapter), validation };
  },
  steps(steps) {
    if (!rig) return Promise.reject(new Error('no model prepared'));
    return rig.run(steps);
  },
  async infer(images) {
    if (!rig) throw new Error('no model prepared');
    const [g, d] = await Promise.all([gpu!, data!]);
    if (!Number.isInteger(images) || images < 1 || images > d.test.count) throw new Error(`infer: 1 to ${d.test.count} images, got ${images}`);
    predictor ??= new GpuModel({ device: g.device, root: g.root }, rig.model, rig.params, d.test);
    const pixels = d.test.images.subarray(0, images * rig.model.inputSize);
    const start = performance.now();
    await predictor.predict(pixels, images);
    return performance.now() - start;
  },
};
(globalThis as unknown as Record<string, RoundsPageApi>)[ROUNDS_API_GLOBAL] = api;
