// The batch size as data. A kernel whose work depends on the number of samples reads it at run
// time from a small uniform, {count, stride}, bound at @group(1) (shader-prelude.ts turns the
// shader's BATCH and STRIDE into reads of it), so one pipeline serves every batch size: the
// training batches, the partial last batch, evaluation and a one-image prediction alike.
//   count   samples in this batch (1 .. the plan's batch): BATCH in the shaders
//   stride  the pass's batch size: batch k's samples start at index k * stride (the gather)
// A shader that divides by a batch-dependent count writes x * (1.0 / f32(n)): while the count
// was a constant the compiler turned x / n into that product (the reciprocal rounded once), and
// the results keep their bits.
// A plan holds one BatchSize per batch size it runs (src/train/model-plan.ts); a dispatch
// carries the one it was sized for (Dispatch.batch) and its grid for any count (Dispatch.gridFor).
import tgpu, { type TgpuRoot } from 'typegpu';
import * as d from 'typegpu/data';

export const BatchShape = d.struct({ count: d.u32, stride: d.u32 }).$name('BatchShape');

/** The bind group layout of @group(1): the batch's shape, read by every batch-dependent kernel. */
export const batchLayout = tgpu.bindGroupLayout({ batchShape: { uniform: BatchShape } }).$idx(1);

/** The bind group index batchLayout takes. */
export const BATCH_GROUP = 1;

function checkShape(count: number, stride: number, label: string): void {
  if (!Number.isInteger(count) || count < 1 || count > 0xffffffff) throw new Error(`${label}: bad batch size ${count}`);
  if (!Number.isInteger(stride) || stride < count || stride > 0xffffffff) throw new Error(`${label}: bad batch stride ${stride} for ${count} samples`);
}

/** One batch size's uniform and its @group(1) bind group (built once, replayed by every dispatch of that size). */
export class BatchSize {
  readonly bindGroup: GPUBindGroup;
  private readonly uniform;
  private shape: { count: number; stride: number };

  constructor(root: TgpuRoot, count: number, stride = count, readonly label = `batch ${count}`) {
    checkShape(count, stride, label);
    this.shape = { count, stride };
    this.uniform = root.createBuffer(BatchShape, this.shape).$usage('uniform');
    this.bindGroup = root.unwrap(root.createBindGroup(batchLayout, { batchShape: this.uniform }));
  }

  /** Samples in the batch. */
  get count(): number {
    return this.shape.count;
  }

  get stride(): number {
    return this.shape.stride;
  }

  /**
   * Changes the size (queue order: for submits after this call). Only for a size whose
   * dispatches are submitted one batch size at a time (a prediction of any number of images).
   */
  resize(count: number, stride = this.shape.stride): void {
    checkShape(count, stride, this.label);
    this.shape = { count, stride };
    this.uniform.write(this.shape);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}

/**
 * The batch size a layer's kernels read: `given` (its plan's), else one of the layer's own
 * holding `count` (a layer built alone, e.g. in a test), released by `destroy`.
 */
export function layerBatchSize(root: TgpuRoot, count: number, given: BatchSize | undefined): { size: BatchSize; destroy(): void } {
  if (given) {
    if (given.count !== count) throw new Error(`${given.label}: holds ${given.count} samples, the layer is built for ${count}`);
    return { size: given, destroy() {} };
  }
  const size = new BatchSize(root, count);
  return { size, destroy: () => size.destroy() };
}

/**
 * A storage table of per-batch-size values too involved to derive in WGSL (a split-K kernel's
 * chunking): row k (a vec4u) holds `row(k)` for k = 1 .. maxCount samples, row 0 zeros. A kernel
 * reads its row as table[BATCH], so every batch size keeps the chunking its own formula gives.
 */
export function createBatchTable(device: GPUDevice, maxCount: number, row: (count: number) => readonly number[], label: string): GPUBuffer {
  if (!Number.isInteger(maxCount) || maxCount < 1) throw new Error(`${label}: bad batch size ${maxCount}`);
  const data = new Uint32Array((maxCount + 1) * 4);
  for (let k = 1; k <= maxCount; k++) {
    const values = row(k);
    if (values.length > 4) throw new Error(`${label}: a row holds 4 values, got ${values.length}`);
    data.set(values, k * 4);
  }
  const buffer = device.createBuffer({ label, size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}
