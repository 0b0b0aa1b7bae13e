// A pass over one dataset at one batch size: the model plans (a main plan of `batch` and,
// when the count is not a multiple of it, a tail plan for the last partial batch), the
// index buffers that choose each batch's images, and the per-batch metric slots.
//
// Batch k of the pass uses images order[k*B .. k*B+B). The gather kernel reads
// indices[state.batch * planBatch + i], so the tail plan (batch r) gets its own small
// index buffer holding the tail at offset fullBatches * r.
import { createStorageBuffer, writeBuffer } from '../gpu/buffers.ts';
import type { Dispatch } from '../gpu/kernel.ts';
import type { GpuContext } from '../layers/types.ts';
import { createModelPlan, type ModelPlan } from './model-plan.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { MetricsReadback } from './metrics-readback.ts';
import type { GpuImages } from './dataset-gpu.ts';
import type { Evaluation } from './types.ts';
import type { KernelChoices } from '../gpu/kernel-registry.ts';
import type { InputScaling } from '../data/image-dataset.ts';

export interface PassConfig {
  label: string;
  /** Samples in the pass (<= data.count; the pass may use a subset via the order). */
  count: number;
  batch: number;
  training: boolean;
  /** Overrides of the kernel registry's fixed rules (src/gpu/kernel-registry.ts), for every plan of the pass. */
  kernels?: KernelChoices;
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
  private readonly main: ModelPlan;
  private readonly tailPlan: ModelPlan | undefined;
  private readonly indices: GPUBuffer; // (fullBatches * B) u32
  private readonly tailIndices: GPUBuffer | undefined; // ((fullBatches + 1) * r) u32
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
    this.batch = Math.min(batch, count);
    this.fullBatches = Math.floor(count / this.batch);
    this.tail = count - this.fullBatches * this.batch;
    this.batches = this.fullBatches + (this.tail > 0 ? 1 : 0);

    this.indices = createStorageBuffer(device, this.fullBatches * this.batch * 4, `${label} indices`);
    this.tailIndices =
      this.tail > 0 ? createStorageBuffer(device, this.batches * this.tail * 4, `${label} tail indices`) : undefined;
    this.batchLoss = createStorageBuffer(device, this.batches * 4, `${label} batch loss`);
    this.batchCorrect = createStorageBuffer(device, this.batches * 4, `${label} batch correct`);
    this.readback = new MetricsReadback(device, this.batchLoss, this.batchCorrect, this.batches);

    const shared = (indices: GPUBuffer) => ({
      params: buffers.params,
      grads: buffers.grads,
      state: buffers.state,
      images: buffers.data.images,
      labels: buffers.data.labels,
      indices,
      batchLoss: this.batchLoss,
      batchCorrect: this.batchCorrect,
    });
    const planConfig = (b: number) => ({
      batch: b,
      imageCount: buffers.data.count,
      slots: this.batches,
      training: config.training,
      kernels: config.kernels,
      scaling: config.scaling,
    });
    this.main = createModelPlan(ctx, model, planConfig(this.batch), shared(this.indices));
    this.tailPlan = this.tailIndices ? createModelPlan(ctx, model, planConfig(this.tail), shared(this.tailIndices)) : undefined;
  }

  /** Sets which images form the batches: order (count) of image indices. */
  setOrder(order: Uint32Array): void {
    if (order.length !== this.count) throw new Error(`order has ${order.length} entries, pass has ${this.count}`);
    const { device } = this.ctx;
    const main = this.fullBatches * this.batch;
    writeBuffer(device, this.indices, order.subarray(0, main));
    if (this.tailIndices) writeBuffer(device, this.tailIndices, order.subarray(main), this.fullBatches * this.tail * 4);
  }

  /** The plan of the full batches (buffers and per-layer dispatches, for benchmarks). */
  get mainPlan(): ModelPlan {
    return this.main;
  }

  /** Training dispatches (forward + backward) of batch k. */
  trainBatch(k: number): Dispatch[] {
    return k < this.fullBatches ? this.main.train : this.tailPlan!.train;
  }

  /** Evaluation dispatches (forward + loss + metrics) of batch k. */
  inferBatch(k: number): Dispatch[] {
    return k < this.fullBatches ? this.main.inference : this.tailPlan!.inference;
  }

  /** Logits buffer (B, classes) of the plan that runs batch k. */
  logits(k: number): GPUBuffer {
    return k < this.fullBatches ? this.main.logits : this.tailPlan!.logits;
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
    this.main.destroy();
    this.tailPlan?.destroy();
    this.readback.destroy();
    for (const b of [this.indices, this.tailIndices, this.batchLoss, this.batchCorrect]) b?.destroy();
  }
}

/** 0, 1, ..., n-1 offset by `start`. */
export function identityOrder(n: number, start = 0): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = start + i;
  return order;
}
