// Building a trainer's compute pipelines together: every Kernel constructed inside
// `buildingPipelines(build, ...)` asks `build` for its pipeline, which asks the device's
// pipeline cache (pipeline-cache.ts): a pipeline compiled before on the device is shared, a new
// one starts with device.createComputePipelineAsync (the browser compiles them in parallel
// where it can). `finish` awaits them all and reports progress; `compiled` counts the
// pipelines this build compiled. Kernels made outside a build compile at once (or are found in
// the cache).
import { pipelineCache, type PipelineCache, type PipelineSpec } from './pipeline-cache.ts';

export type { PipelineSpec } from './pipeline-cache.ts';

/** What building a trainer or model cost: the pipelines it compiled (the device had the others already) and its milliseconds. */
export interface BuildCost {
  pipelines: number;
  ms: number;
}

/**
 * What building a trainer cost, in all and its evaluation model's part of it (that model is
 * built inside the trainer's build: its pipelines are among the trainer's, its ms are only the
 * time to ask for them, the compiling being the trainer's).
 */
export interface TrainerBuildCost extends BuildCost {
  evaluation: BuildCost;
}

export interface BuildProgress {
  built: number;
  total: number;
}

let current: PipelineBuild | undefined;

/** Runs `make` (synchronous) with its kernels' pipelines requested from `build`. */
export function buildingPipelines<T>(build: PipelineBuild, make: () => T): T {
  const outer = current;
  current = build;
  try {
    return make();
  } finally {
    current = outer;
  }
}

/** The build kernels made now belong to, if any. */
export function currentPipelineBuild(): PipelineBuild | undefined {
  return current;
}

/** The pipeline of `spec` at once (kernels made outside a build): the device's cached one or a new one. */
export function createPipelineNow(device: GPUDevice, spec: PipelineSpec): GPUComputePipeline {
  return pipelineCache(device).now(spec);
}

export class PipelineBuild {
  /** The build's distinct pipelines. */
  private readonly requested = new Set<Promise<GPUComputePipeline>>();
  /** Every kernel's hand-over of its pipeline (settled once the kernel holds it). */
  private readonly handedOver: Promise<void>[] = [];
  private built = 0;
  private compiledHere = 0;
  private failure: Error | undefined;
  private onProgress: ((p: BuildProgress) => void) | undefined;
  private readonly cache: PipelineCache;

  constructor(device: GPUDevice) {
    this.cache = pipelineCache(device);
  }

  /** Distinct pipelines requested so far (compiled now or earlier on the device). */
  get total(): number {
    return this.requested.size;
  }

  /** Pipelines this build compiled (the others the device had already). */
  get compiled(): number {
    return this.compiledHere;
  }

  /** Asks the device's cache for the pipeline of `spec`; `use` receives it when built. */
  request(spec: PipelineSpec, use: (pipeline: GPUComputePipeline) => void): void {
    const { pipeline, fresh } = this.cache.request(spec);
    if (fresh) this.compiledHere++;
    if (!this.requested.has(pipeline)) {
      this.requested.add(pipeline);
      pipeline.then(
        () => {
          this.built++;
          this.onProgress?.({ built: this.built, total: this.total });
        },
        (e: unknown) => {
          this.failure ??= new Error(`building the pipeline of ${spec.label}: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
    }
    this.handedOver.push(pipeline.then(use, () => undefined));
  }

  /** Resolves when every requested pipeline is built (calling onProgress as they finish); throws the first failure. */
  async finish(onProgress?: (p: BuildProgress) => void): Promise<void> {
    this.onProgress = onProgress;
    onProgress?.({ built: this.built, total: this.total });
    await Promise.all(this.handedOver);
    this.onProgress = undefined;
    if (this.failure) throw this.failure;
  }
}
