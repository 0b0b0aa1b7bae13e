// A pass over one dataset at one batch size: one model plan of `batch` samples, the index
// buffer that chooses each batch's images, and the per-batch metric slots. Batch k of the pass
// uses images order[k*B .. k*B+B): the gather reads indices[state.batch * B + i]. When the count
// is not a multiple of B, the last batch runs the same plan at its own size (ModelPlan.at: the
// kernels read the batch size at run time), with no pipeline of its own. Over a streamed split
// (src/train/dataset-gpu.ts) the batches run in windows of whole batches: `stage(k)` loads batch
// k's window before it is submitted, and no submit may cross `windowEnd(k)`.
import { createStorageBuffer, writeBuffer } from '../gpu/buffers.ts';
import type { Dispatch } from '../gpu/kernel.ts';
import type { GpuContext } from '../layers/types.ts';
import { createModelPlan, type ModelPlan, type PlanDispatches } from './model-plan.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { MetricsReadback } from './metrics-readback.ts';
import type { GpuImages, ImageStream } from './dataset-gpu.ts';
import type { Evaluation } from './types.ts';
import type { KernelChoices } from '../gpu/kernel-registry.ts';
import type { InputScaling } from '../data/image-dataset.ts';

let passCount = 0;

export interface PassConfig {
  label: string;
  /** Samples in the pass (<= data.count; the pass may use a subset via the order). */
  count: number;
  batch: number;
  training: boolean;
  /** Overrides of the kernel registry's fixed rules (src/gpu/kernel-registry.ts), for every plan of the pass. */
  kernels?: KernelChoices;
  /** Batches of any size are run through inferCount (a prediction of any number of images). */
  resizable?: boolean;
  /** What the gather makes of the images' bytes (default 'divide-255'). */
  scaling?: InputScaling;
}

export interface PassBuffers {
  data: GpuImages;
  params: GPUBuffer;
  grads: GPUBuffer;
  state: GPUBuffer;
}

export class Pass {
  readonly count: number;
  readonly batch: number;
  readonly fullBatches: number;
  readonly tail: number;
  /** Number of batches (= metric slots). */
  readonly batches: number;
  readonly readback: MetricsReadback;
  /** Batches per data window (all of them when the split is resident). */
  readonly windowBatches: number;
  private readonly stream: ImageStream | undefined;
  private readonly id = `pass ${++passCount}`;
  private order: Uint32Array | undefined; // (count) image indices of the current epoch, streamed splits only
  private orderVersion = 0;
  private readonly plan: ModelPlan;
  /** The plan's dispatches at the last batch's size (when the count is not a multiple of the batch). */
  private readonly tailDispatches: PlanDispatches | undefined;
  private readonly indices: GPUBuffer; // (count) u32
  private readonly batchLoss: GPUBuffer; // (batches) f32
  private readonly batchCorrect: GPUBuffer; // (batches) u32

  constructor(
    private readonly ctx: GpuContext,
    model: ModelInfo,
    config: PassConfig,
    buffers: PassBuffers,
  ) {
    const { device } = ctx;
    const { count, batch, label } = config;
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`${label}: bad batch size ${batch}`);
    if (!Number.isInteger(count) || count < 1) throw new Error(`${label}: no samples`);
    this.count = count;
    this.stream = buffers.data.stream;
    const capacity = this.stream?.capacity ?? count;
    if (config.training && batch > capacity) {
      throw new Error(
        `${label}: a batch of ${batch} images does not fit the ${capacity} this adapter's largest storage buffer binding holds; use a batch size of at most ${capacity}`,
      );
    }
    // Evaluation batches only group the work: over a small window they shrink to fit it.
    this.batch = Math.min(batch, count, capacity);
    this.fullBatches = Math.floor(count / this.batch);
    this.tail = count - this.fullBatches * this.batch;
    this.batches = this.fullBatches + (this.tail > 0 ? 1 : 0);
    this.windowBatches = this.stream ? Math.floor(capacity / this.batch) : this.batches;

    this.indices = createStorageBuffer(device, count * 4, `${label} indices`);
    this.batchLoss = createStorageBuffer(device, this.batches * 4, `${label} batch loss`);
    this.batchCorrect = createStorageBuffer(device, this.batches * 4, `${label} batch correct`);
    this.readback = new MetricsReadback(device, this.batchLoss, this.batchCorrect, this.batches);

    const shared = {
      params: buffers.params,
      grads: buffers.grads,
      state: buffers.state,
      images: buffers.data.images,
      labels: buffers.data.labels,
      indices: this.indices,
      batchLoss: this.batchLoss,
      batchCorrect: this.batchCorrect,
    };
    this.plan = createModelPlan(
      ctx,
      model,
      {
        batch: this.batch,
        imageCount: buffers.data.count,
        slots: this.batches,
        training: config.training,
        kernels: config.kernels,
        resizable: config.resizable,
        scaling: config.scaling,
      },
      shared,
    );
    this.tailDispatches = this.tail > 0 ? this.plan.at(this.tail) : undefined;
    if (this.stream) {
      // Batch k's images sit in the window in order, from the start of k's window.
      const window = this.windowBatches * this.batch;
      writeBuffer(device, this.indices, Uint32Array.from({ length: count }, (_, j) => j % window));
    }
  }

  /** Sets which images form the batches: order (count) of image indices. */
  setOrder(order: Uint32Array): void {
    if (order.length !== this.count) throw new Error(`order has ${order.length} entries, pass has ${this.count}`);
    if (!this.stream) {
      writeBuffer(this.ctx.device, this.indices, order);
      return;
    }
    // Streamed: the indices are the window's places (written once); stage() loads the images in this order.
    this.order = order.slice();
    this.orderVersion++;
  }

  /** The first batch after batch k's data window (the pass's end when the split is resident). */
  windowEnd(k: number): number {
    return Math.min(this.batches, (Math.floor(k / this.windowBatches) + 1) * this.windowBatches);
  }

  /** Loads batch k's data window into the GPU (streamed splits; queue order: before submitting batch k). */
  stage(k: number): void {
    const { stream, order } = this;
    if (!stream) return;
    if (!order) throw new Error(`${stream.label}: setOrder before staging a batch`);
    const w = Math.floor(k / this.windowBatches);
    const first = w * this.windowBatches * this.batch;
    const n = Math.min(this.count, first + this.windowBatches * this.batch) - first;
    stream.load(`${this.id} order ${this.orderVersion} window ${w}`, order, first, n);
  }

  /** The pass's plan (buffers and per-layer dispatches, for benchmarks). */
  get mainPlan(): ModelPlan {
    return this.plan;
  }

  private dispatchesOf(k: number): PlanDispatches {
    return k < this.fullBatches ? this.plan : this.tailDispatches!;
  }

  /** Training dispatches (forward + backward) of batch k. */
  trainBatch(k: number): Dispatch[] {
    return this.dispatchesOf(k).train;
  }

  /** Evaluation dispatches (forward + loss + metrics) of batch k. */
  inferBatch(k: number): Dispatch[] {
    return this.dispatchesOf(k).inference;
  }

  /**
   * Evaluation dispatches of the first batch holding `count` samples (1 .. batch), for a
   * resizable pass: each call re-sizes the pass's batch uniform, so submit them before the next call.
   */
  inferCount(count: number): Dispatch[] {
    return this.plan.resized(count).inference;
  }

  /** Logits buffer (B, classes) of batch k (the first rows hold a partial batch's). */
  logits(_k = 0): GPUBuffer {
    return this.plan.logits;
  }

  /** Samples in batch k. */
  batchSize(k: number): number {
    return k < this.fullBatches ? this.batch : this.tail;
  }

  /** Mean loss and accuracy over the first `batches` batches, from their per-batch sums. */
  summarize(lossSums: Float32Array, correct: Uint32Array, batches = this.batches): Evaluation {
    let loss = 0;
    let right = 0;
    let count = 0;
    for (let k = 0; k < batches; k++) {
      loss += lossSums[k];
      right += correct[k];
      count += this.batchSize(k);
    }
    return { loss: loss / count, accuracy: right / count, count };
  }

  destroy(): void {
    this.plan.destroy();
    this.readback.destroy();
    for (const b of [this.indices, this.batchLoss, this.batchCorrect]) b.destroy();
  }
}

/** 0, 1, ..., n-1 offset by `start`. */
export function identityOrder(n: number, start = 0): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = start + i;
  return order;
}
