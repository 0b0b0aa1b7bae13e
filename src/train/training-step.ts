// One training step, as the trainer, the benchmarks and the tests run it: the flat parameter,
// gradient and optimizer-moment buffers, the step state, the optimizer's update and the step's
// begin and end. Step k of a training pass is [step_begin, gather, forward, loss, backward,
// optimizer, step_end]; `dispatches` gives the list of steps a..b-1 for one command buffer.
// The optimizer updates the trainable tensors only (a frozen layer's weights and moments stay
// as they are); the backward still carries gradients through frozen layers.
import { createBufferWith, createStorageBuffer } from '../gpu/buffers.ts';
import type { Dispatch } from '../gpu/kernel.ts';
import type { GpuContext } from '../layers/types.ts';
import { createOptimizer, type OptimizerOptions, type OptimizerPlan } from '../layers/optimizer.ts';
import { createStepBegin, createStepEnd, createStepState } from '../layers/step-state.ts';
import type { GpuImages } from './dataset-gpu.ts';
import type { Pass, PassBuffers } from './pass.ts';
import type { ParamTable } from '../model/param-table.ts';

export interface TrainingStepConfig {
  /** The model's parameter table: the optimizer leaves its non-trainable tensors alone. */
  table: ParamTable;
  /** The initial parameters (table.length floats, the parameter table's layout). */
  weights: Float32Array;
  /** The optimizer (its length is the weights'; its frozen ranges are the table's). */
  optimizer: Omit<OptimizerOptions, 'length' | 'frozen'>;
  /** The step state's dropout seed. */
  seed: number;
  /** Prefix of the buffers' labels. */
  label?: string;
}

export class TrainingStep {
  readonly length: number;
  readonly params: GPUBuffer; // (length) f32
  readonly grads: GPUBuffer; // (length) f32
  readonly moment1: GPUBuffer; // (length) f32: Adam m / SGD velocity
  readonly moment2: GPUBuffer; // (length) f32: Adam v
  readonly state: GPUBuffer; // StepState
  readonly optimizer: OptimizerPlan;
  private readonly begin: Dispatch;
  private readonly end: Dispatch;

  constructor(ctx: GpuContext, config: TrainingStepConfig) {
    const { device } = ctx;
    const { weights, seed, label = 'train', table } = config;
    const length = weights.length;
    if (length !== table.length) throw new Error(`TrainingStep: ${length} initial weights, the parameter table has ${table.length}`);
    this.length = length;
    this.params = createBufferWith(device, weights, `${label} params`);
    this.grads = createStorageBuffer(device, length * 4, `${label} grads`);
    this.moment1 = createStorageBuffer(device, length * 4, `${label} moment1`);
    this.moment2 = createStorageBuffer(device, length * 4, `${label} moment2`);
    this.state = createStepState(device, seed, `${label} state`);
    try {
      this.optimizer = createOptimizer(
        ctx,
        { ...config.optimizer, length, frozen: table.frozenRanges() },
        { params: this.params, grads: this.grads, m: this.moment1, v: this.moment2, state: this.state },
      );
    } catch (e) {
      this.destroyBuffers();
      throw e;
    }
    this.begin = createStepBegin(ctx, this.state);
    this.end = createStepEnd(ctx, this.state);
  }

  /** What a pass over `data` needs to run on this step's parameters, gradients and state. */
  passBuffers(data: GpuImages): PassBuffers {
    return { data, params: this.params, grads: this.grads, state: this.state };
  }

  /** Training step k of `pass` (its batch k), whole: begin, the batch's forward and backward, the update, end. */
  step(pass: Pass, k: number): Dispatch[] {
    return [this.begin, ...pass.trainBatch(k), this.optimizer.dispatch, this.end];
  }

  /** Training steps a..b-1 of `pass`, in order, for one command buffer. */
  dispatches(pass: Pass, a: number, b: number): Dispatch[] {
    const list: Dispatch[] = [];
    for (let k = a; k < b; k++) list.push(...this.step(pass, k));
    return list;
  }

  destroy(): void {
    this.optimizer.destroy();
    this.destroyBuffers();
  }

  private destroyBuffers(): void {
    for (const b of [this.params, this.grads, this.moment1, this.moment2, this.state]) b.destroy();
  }
}
