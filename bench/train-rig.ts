// Our training step for any model, set up once and run for a given number of steps, the way
// the trainer submits steps: [step_begin, forward + backward, optimizer, step_end] per step,
// STEPS_PER_SUBMIT steps per submit, at most two submits in flight. The interleaved rounds
// (bench/rounds.ts) time it through bench/rounds-page.ts. Real MNIST batches, Adam. Its
// first step can be validated layer by layer (bench/validate-step.ts) before any timing.
import type { Gpu } from '../src/gpu/device.ts';
import { encodeDispatches, type Dispatch } from '../src/gpu/kernel.ts';
import type { Mnist } from '../src/data/mnist.ts';
import type { ModelInfo } from '../src/model/model-info.ts';
import { initParams } from '../src/model/init.ts';
import { Rng } from '../src/model/rng.ts';
import { writeEpochStart } from '../src/layers/step-state.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../src/train/pass.ts';
import { checkDataMatchesModel } from '../src/train/gpu-model.ts';
import { STEPS_PER_SUBMIT } from '../src/train/trainer.ts';
import { TrainingStep } from '../src/train/training-step.ts';
import { validateStep, type Check, type StepSnapshot } from './validate-step.ts';

export interface TrainRigOptions {
  batch: number;
  seed: number;
  learningRate: number;
}

export class TrainRig {
  private readonly owned: { destroy(): void }[] = [];
  private readonly step: TrainingStep;
  private readonly pass: Pass;
  /** One submit's steps: batches 0..STEPS_PER_SUBMIT-1 of the pass, each a whole training step. */
  private readonly steps: Dispatch[][];
  private readonly w0: Float32Array; // (params) the initial weights
  private readonly order: Uint32Array;
  private stepsRun = 0;

  constructor(
    private readonly gpu: Gpu,
    private readonly data: Mnist,
    readonly model: ModelInfo,
    private readonly options: TrainRigOptions,
  ) {
    checkDataMatchesModel(data, model);
    const { device, root } = gpu;
    const ctx = { device, root };
    // STEPS_PER_SUBMIT different batches of shuffled training images; each submit replays them.
    const count = STEPS_PER_SUBMIT * options.batch;
    if (count > data.train.count) throw new Error(`the rig needs ${count} training images, the dataset has ${data.train.count}`);
    this.w0 = initParams(model.params, options.seed);
    this.step = new TrainingStep(ctx, { table: model.params, weights: this.w0, optimizer: { kind: 'adam', lr: options.learningRate }, seed: options.seed, label: 'rig' });
    this.owned.push(this.step);
    const images = uploadSplit(device, data.train, data.train.count, model.inputSize, 'rig train');
    this.owned.push(images);
    this.pass = new Pass(ctx, model, { label: 'rig', count, batch: options.batch, training: true }, this.step.passBuffers(images));
    this.owned.push(this.pass);
    const order = identityOrder(data.train.count);
    new Rng(options.seed).shuffle(order);
    this.order = order.slice(0, count);
    this.pass.setOrder(this.order);
    this.steps = Array.from({ length: STEPS_PER_SUBMIT }, (_, k) => this.step.step(this.pass, k));
  }

  /** The flat parameters being trained (model.params.length f32). */
  get params(): GPUBuffer {
    return this.step.params;
  }

  /** Runs the first training step (before any other) and checks it layer by layer against the float64 reference. */
  async validate(): Promise<Check[]> {
    return validateStep(this.gpu.device, await this.firstStep());
  }

  /** Runs the first training step (before any other) and returns what its validation reads. */
  async firstStep(): Promise<StepSnapshot> {
    if (this.stepsRun > 0) throw new Error('the first step has run already: validate before timing');
    await this.run(1);
    const { options } = this;
    return {
      model: this.model, plan: this.pass.mainPlan, paramsBefore: this.w0, paramsAfter: this.step.params, grads: this.step.grads,
      images: this.data.train.images, indices: this.order.subarray(0, options.batch), seed: options.seed, step: 1, learningRate: options.learningRate,
    };
  }

  /** Runs `steps` training steps and returns the wall-clock milliseconds until the GPU finished them. */
  async run(steps: number): Promise<number> {
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
    const { device } = this.gpu;
    this.stepsRun += steps;
    const start = performance.now();
    let inFlight: Promise<unknown> = Promise.resolve();
    for (let done = 0; done < steps; ) {
      const n = Math.min(STEPS_PER_SUBMIT, steps - done);
      // Each submit starts again at batch 0 of the pass (the gather reads indices[batch * B + i]).
      writeEpochStart(device, this.step.state);
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
