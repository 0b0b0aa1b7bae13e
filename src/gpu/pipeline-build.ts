// Building a trainer's compute pipelines together: every Kernel constructed inside
// `buildingPipelines(build, ...)` asks `build` for its pipeline, which starts it with
// device.createComputePipelineAsync (the browser compiles them in parallel where it can) and
// gives kernels of the same code, constants and bind group layout one shared pipeline (a
// trainer's validation, test and prediction passes run the same kernels). `finish` awaits them
// all and reports progress. Kernels made outside a build compile at once, as before.

/** What a pipeline is made of; equal specs give the same pipeline. */
export interface PipelineSpec {
  label: string;
  code: string;
  constants: Record<string, number>;
  bindGroupLayout: GPUBindGroupLayout;
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

/** Creates the pipeline of `spec` at once (kernels made outside a build). */
export function createPipelineNow(device: GPUDevice, spec: PipelineSpec): GPUComputePipeline {
  return device.createComputePipeline(descriptorOf(device, spec));
}

function descriptorOf(device: GPUDevice, spec: PipelineSpec): GPUComputePipelineDescriptor {
  const { label, code, constants, bindGroupLayout } = spec;
  return {
    label,
    layout: device.createPipelineLayout({ label, bindGroupLayouts: [bindGroupLayout] }),
    compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main', constants },
  };
}

export class PipelineBuild {
  private readonly byKey = new Map<string, Promise<GPUComputePipeline>>();
  private readonly layoutIds = new WeakMap<GPUBindGroupLayout, number>();
  private nextLayoutId = 0;
  /** Every kernel's hand-over of its pipeline (settled once the kernel holds it). */
  private readonly handedOver: Promise<void>[] = [];
  private built = 0;
  private failure: Error | undefined;
  private onProgress: ((p: BuildProgress) => void) | undefined;

  constructor(private readonly device: GPUDevice) {}

  /** Distinct pipelines requested so far. */
  get total(): number {
    return this.byKey.size;
  }

  /** Starts (or shares) the pipeline of `spec`; `use` receives it when built. */
  request(spec: PipelineSpec, use: (pipeline: GPUComputePipeline) => void): void {
    const key = this.keyOf(spec);
    let pipeline = this.byKey.get(key);
    if (!pipeline) {
      pipeline = this.device.createComputePipelineAsync(descriptorOf(this.device, spec));
      this.byKey.set(key, pipeline);
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

  private keyOf(spec: PipelineSpec): string {
    let id = this.layoutIds.get(spec.bindGroupLayout);
    if (id === undefined) {
      id = this.nextLayoutId++;
      this.layoutIds.set(spec.bindGroupLayout, id);
    }
    const constants = Object.keys(spec.constants)
      .sort()
      .map((k) => `${k}=${spec.constants[k]}`)
      .join(',');
    return `${id}|${constants}|${spec.code}`;
  }
}
