// The compute pipelines of one device, compiled once each for the life of the device: every
// plan, trainer, evaluation model, estimate and tuner candidate asks this cache, so a kernel
// of the same code, constants and bind group layout structure is compiled only once however
// many builds use it. Counts the pipelines it compiled (pipelinesCompiled).
import type { TgpuLayoutEntry } from 'typegpu';

/** What a pipeline is made of; equal keys give the same pipeline. */
export interface PipelineSpec {
  label: string;
  code: string;
  constants: Record<string, number>;
  /** @group(0), and @group(1) where the kernel reads the batch size. */
  bindGroupLayouts: GPUBindGroupLayout[];
  /** The bind group layouts' structure (layoutStructure): layouts alike in it are interchangeable. */
  layoutKey: string;
}

/**
 * The structure of a typegpu bind group layout: each slot's kind, access and visibility, in
 * binding order. WebGPU treats two layouts with the same entries as the same layout, so a
 * pipeline made with one accepts bind groups made with the other.
 */
export function layoutStructure(entries: Record<string, TgpuLayoutEntry | null>): string {
  return Object.values(entries)
    .map((e) => {
      if (e === null) return '-';
      const visibility = (e as { visibility?: readonly string[] }).visibility?.join('+') ?? '';
      if ('uniform' in e) return `uniform${visibility}`;
      if ('storage' in e) return `storage:${(e as { access?: string }).access ?? 'readonly'}${visibility}`;
      return `${JSON.stringify(e)}${visibility}`;
    })
    .join(',');
}

function keyOf(spec: PipelineSpec): string {
  const constants = Object.keys(spec.constants)
    .sort()
    .map((k) => `${k}=${spec.constants[k]}`)
    .join(',');
  return `${spec.layoutKey}|${constants}|${spec.code}`;
}

function descriptorOf(device: GPUDevice, spec: PipelineSpec): GPUComputePipelineDescriptor {
  const { label, code, constants, bindGroupLayouts } = spec;
  return {
    label,
    layout: device.createPipelineLayout({ label, bindGroupLayouts }),
    compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main', constants },
  };
}

export class PipelineCache {
  /** Every pipeline compiled or being compiled, by key. */
  private readonly promised = new Map<string, Promise<GPUComputePipeline>>();
  /** Those compiled. */
  private readonly ready = new Map<string, GPUComputePipeline>();
  private compiledCount = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Pipelines this cache has compiled (started) so far. */
  get compiled(): number {
    return this.compiledCount;
  }

  /**
   * The pipeline of `spec`, compiled asynchronously unless it is cached or being compiled;
   * `fresh` says whether this call started its compilation. A failed compilation is not kept.
   */
  request(spec: PipelineSpec): { pipeline: Promise<GPUComputePipeline>; fresh: boolean } {
    const key = keyOf(spec);
    const known = this.promised.get(key);
    if (known) return { pipeline: known, fresh: false };
    this.compiledCount++;
    const pipeline = this.device.createComputePipelineAsync(descriptorOf(this.device, spec));
    this.promised.set(key, pipeline);
    pipeline.then(
      (p) => this.ready.set(key, p),
      () => this.promised.delete(key),
    );
    return { pipeline, fresh: true };
  }

  /** The pipeline of `spec` now: the cached one, else compiled at once (kernels made outside a build). */
  now(spec: PipelineSpec): GPUComputePipeline {
    const key = keyOf(spec);
    let pipeline = this.ready.get(key);
    if (!pipeline) {
      this.compiledCount++;
      pipeline = this.device.createComputePipeline(descriptorOf(this.device, spec));
      this.ready.set(key, pipeline);
      this.promised.set(key, Promise.resolve(pipeline));
    }
    return pipeline;
  }
}

const caches = new WeakMap<GPUDevice, PipelineCache>();

/** The pipeline cache of `device` (made on first use, kept as long as the device). */
export function pipelineCache(device: GPUDevice): PipelineCache {
  let cache = caches.get(device);
  if (!cache) {
    cache = new PipelineCache(device);
    caches.set(device, cache);
  }
  return cache;
}

/** Pipelines compiled on `device` so far (by every build and kernel). */
export function pipelinesCompiled(device: GPUDevice): number {
  return caches.get(device)?.compiled ?? 0;
}
