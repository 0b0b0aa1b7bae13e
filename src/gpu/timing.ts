// Times prepared dispatches on the GPU: with timestamp queries where the device has
// `timestamp-query` (one compute pass per repetition, GPU time only), else by wall clock over
// many back-to-back repetitions in one submit (includes submit and sync overhead, amortised).
import { encodeDispatches, recordDispatches, type Dispatch } from './kernel.ts';

export interface Timing {
  /** Median milliseconds for one run of the dispatch list. */
  ms: number;
  /** Repetitions measured. */
  reps: number;
  method: 'timestamp' | 'wall';
}

export interface TimerOptions {
  /** Stop after this much measuring time (ms), once minReps are done. */
  budgetMs: number;
  minReps: number;
  maxReps: number;
}

/** Median of a non-empty list (the mean of the middle two for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export class GpuTimer {
  private readonly querySet: GPUQuerySet | undefined;
  private readonly resolve: GPUBuffer | undefined;
  private readonly staging: GPUBuffer | undefined;

  constructor(
    private readonly device: GPUDevice,
    useTimestamps: boolean,
  ) {
    if (useTimestamps) {
      this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
      this.resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.staging = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
  }

  get method(): 'timestamp' | 'wall' {
    return this.querySet ? 'timestamp' : 'wall';
  }

  /** One timed run (ms): GPU time with timestamps, else wall clock of `inner` back-to-back runs / inner. */
  private async once(dispatches: readonly Dispatch[], inner: number): Promise<number> {
    const { device } = this;
    const encoder = device.createCommandEncoder();
    if (this.querySet && this.resolve && this.staging) {
      const pass = encoder.beginComputePass({
        timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 },
      });
      recordDispatches(pass, dispatches);
      pass.end();
      encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
      encoder.copyBufferToBuffer(this.resolve, 0, this.staging, 0, 16);
      device.queue.submit([encoder.finish()]);
      await this.staging.mapAsync(GPUMapMode.READ);
      const [t0, t1] = new BigUint64Array(this.staging.getMappedRange());
      this.staging.unmap();
      return Number(t1 - t0) / 1e6;
    }
    const list: Dispatch[] = [];
    for (let i = 0; i < inner; i++) list.push(...dispatches);
    encodeDispatches(encoder, list);
    const t0 = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / inner;
  }

  /** Warms up once, then measures until the budget is spent; returns the median. */
  async time(dispatches: readonly Dispatch[], options: TimerOptions): Promise<Timing> {
    const warm = await this.once(dispatches, 1);
    // Wall-clock mode: enough back-to-back runs per sample to amortise the submit (~20 ms).
    const inner = this.querySet ? 1 : Math.max(1, Math.min(64, Math.ceil(20 / Math.max(warm, 0.01))));
    const samples: number[] = [];
    const start = performance.now();
    while (
      samples.length < options.minReps ||
      (samples.length < options.maxReps && performance.now() - start < options.budgetMs)
    ) {
      samples.push(await this.once(dispatches, inner));
    }
    return { ms: median(samples), reps: samples.length * inner, method: this.method };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.staging?.destroy();
  }
}
