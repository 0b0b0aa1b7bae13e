// Page side of our training in the interleaved rounds (bench/rounds.ts): the browser's WebGPU,
// MNIST from the dev server, one TrainRig at a time.
import { acquireGpu, describeAdapter, type Gpu } from '../src/gpu/device.ts';
import { fetchMnist, type Mnist } from '../src/data/mnist.ts';
import { parseModelConfig } from '../src/model/model-spec.ts';
import { modelInfo } from '../src/model/model-info.ts';
import { ADAM_DEFAULTS } from '../src/layers/optimizer.ts';
import { TrainRig } from './train-rig.ts';
import { ROUNDS_API_GLOBAL, type RoundsPageApi } from './rounds-protocol.ts';

let gpu: Promise<Gpu> | undefined;
let data: Promise<Mnist> | undefined;
let rig: TrainRig | undefined;

const api: RoundsPageApi = {
  async prepare(request) {
    gpu ??= acquireGpu(navigator.gpu);
    data ??= fetchMnist('/mnist');
    const [g, d] = await Promise.all([gpu, data]);
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
};
(globalThis as unknown as Record<string, RoundsPageApi>)[ROUNDS_API_GLOBAL] = api;
