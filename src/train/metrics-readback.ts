// Asynchronous readback of the per-batch loss sums and correct counts that the loss kernel
// writes on the GPU. A small ring of staging buffers is created once; a read copies the
// slots into a free staging buffer and maps it without blocking the step loop.

export interface BatchMetrics {
  /** Sum of per-sample losses of each batch (slots). */
  lossSums: Float32Array;
  /** Correct predictions of each batch (slots). */
  correct: Uint32Array;
}

/**
 * The non-finite flag of metrics read back: the 0-based index of the first batch in
 * [from, to) whose loss sum is NaN or infinite, or -1 when all are finite. A non-finite
 * parameter makes the next batch's loss non-finite, so this also catches diverged weights.
 */
export function firstNonFiniteBatch(m: BatchMetrics, from: number, to: number): number {
  for (let k = from; k < to; k++) if (!Number.isFinite(m.lossSums[k])) return k;
  return -1;
}

export class MetricsReadback {
  private readonly free: GPUBuffer[] = [];
  private readonly all: GPUBuffer[] = [];
  private readonly bytes: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly batchLoss: GPUBuffer, // (slots) f32
    private readonly batchCorrect: GPUBuffer, // (slots) u32
    private readonly slots: number,
    ringSize = 3,
  ) {
    this.bytes = slots * 4;
    for (let i = 0; i < ringSize; i++) {
      const b = device.createBuffer({
        label: `metrics staging ${i}`,
        size: Math.max(16, 2 * this.bytes),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      this.free.push(b);
      this.all.push(b);
    }
  }

  /** True when a staging buffer is free (a read can be issued without waiting). */
  get canRead(): boolean {
    return this.free.length > 0;
  }

  /**
   * Encodes a copy of the metric slots after the work already submitted and maps it.
   * Resolves when the GPU has reached this point. Call only when `canRead`.
   */
  read(): Promise<BatchMetrics> {
    const staging = this.free.pop();
    if (!staging) throw new Error('MetricsReadback: no free staging buffer');
    const encoder = this.device.createCommandEncoder({ label: 'metrics readback' });
    encoder.copyBufferToBuffer(this.batchLoss, 0, staging, 0, this.bytes);
    encoder.copyBufferToBuffer(this.batchCorrect, 0, staging, this.bytes, this.bytes);
    this.device.queue.submit([encoder.finish()]);
    return staging.mapAsync(GPUMapMode.READ).then(
      () => {
        const range = staging.getMappedRange(0, 2 * this.bytes);
        const lossSums = new Float32Array(range.slice(0, this.bytes));
        const correct = new Uint32Array(range.slice(this.bytes, 2 * this.bytes));
        staging.unmap();
        this.free.push(staging);
        return { lossSums, correct };
      },
      (e: unknown) => {
        this.free.push(staging);
        throw e;
      },
    );
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
  }
}
