// Our training step for any model, set up once and run for a given number of steps, the way
// the trainer submits steps: [step_begin, forward + backward, optimizer, step_end] per step,
// STEPS_PER_SUBMIT steps per submit, at most two submits in flight. The interleaved rounds
// (bench/rounds.ts) time it through bench/rounds-page.ts. Real MNIST batches, Adam.
import type { Gpu } from '../src/gpu/device.ts';
import { createBufferWith, createStorageBuffer } from '../src/gpu/buffers.ts';
import { encodeDispatches, type Dispatch } from '../src/gpu/kernel.ts';
import type { Mnist } from '../src/data/mnist.ts';
import type { ModelInfo } from '../src/model/model-info.ts';
import { initParams } from '../src/model/init.ts';
import { Rng } from '../src/model/rng.ts';
import { createOptimizer } from '../src/layers/optimizer.ts';
import { createStepBegin, createStepEnd, createStepState, writeEpochStart } from '../src/layers/step-state.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../src/train/pass.ts';
import { checkDataMatchesModel } from '../src/train/gpu-model.ts';
import { STEPS_PER_SUBMIT } from '../src/train/trainer.ts';

export interface TrainRigOptions {
  batch: number;
  seed: number;
  learningRate: number;
}

export class TrainRig {
  private readonly owned: { destroy(): void }[] = [];
  private readonly state: GPUBuffer; // StepState
  private readonly pass: Pass;
  /** One submit's steps: batches 0..STEPS_PER_SUBMIT-1 of the pass, each a whole training step. */
  private readonly steps: Dispatch[][];

  constructor(
    private readonly gpu: Gpu,
    data: Mnist,
    readonly model: ModelInfo,
    options: TrainRigOptions,
  ) {
    checkDataMatchesModel(data, model);
    const { device, root } = gpu;
    const ctx = { device, root };
    const length = model.params.length;
    const params = createBufferWith(device, initParams(model.params, options.seed), 'rig params'); // (length) f32
    const grads = createStorageBuffer(device, length * 4, 'rig grads'); // (length) f32
    const m = createStorageBuffer(device, length * 4, 'rig m'); // (length) f32
    const v = createStorageBuffer(device, length * 4, 'rig v'); // (length) f32
    this.state = createStepState(device, options.seed, 'rig state');
    // STEPS_PER_SUBMIT different batches of shuffled training images; each submit replays them.
    const count = STEPS_PER_SUBMIT * options.batch;
    if (count > data.train.count) throw new Error(`the rig needs ${count} training images, the dataset has ${data.train.count}`);
    const images = uploadSplit(device, data.train, data.train.count, model.inputSize, 'rig train');
    this.pass = new Pass(ctx, model, { label: 'rig', count, batch: options.batch, training: true }, { data: images, params, grads, state: this.state });
    const order = identityOrder(data.train.count);
    new Rng(options.seed).shuffle(order);
    this.pass.setOrder(order.slice(0, count));
    const optimizer = createOptimizer(ctx, { kind: 'adam', length, lr: options.learningRate }, { params, grads, m, v, state: this.state });
    const begin = createStepBegin(ctx, this.state);
    const end = createStepEnd(ctx, this.state);
    this.steps = Array.from({ length: STEPS_PER_SUBMIT }, (_, k) => [begin, ...this.pass.trainBatch(k), optimizer.dispatch, end]);
    this.owned.push(params, grads, m, v, this.state, images, this.pass, optimizer);
  }

  /** Runs `steps` training steps and returns the wall-clock milliseconds until the GPU finished them. */
  async run(steps: number): Promise<number> {
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
    const { device } = this.gpu;
    const start = performance.now();
    let inFlight: Promise<unknown> = Promise.resolve();
    for (let done = 0; done < steps; ) {
      const n = Math.min(STEPS_PER_SUBMIT, steps - done);
      // Each submit starts again at batch 0 of the pass (the gather reads indices[batch * B + i]).
      writeEpochStart(device, this.state);
      const encoder = device.createCommandEncoder({ label: `rig steps ${done}+` });
      encodeDispatches(encoder, this.steps.slice(0, n).flat());
      device.queue.submit([encoder.finish()]);
      done += n;
      const previous = inFlight;
      inFlight = device.queue.onSubmittedWorkDone();
      await previous;
    }
    await inFlight;
    return performance.now() - start;
  }

  destroy(): void {
    for (const o of this.owned) o.destroy();
    this.owned.length = 0;
  }
}
