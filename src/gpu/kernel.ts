// A compute kernel: one WGSL template from shaders/ with its generated prelude
// (shader-prelude.ts), its typegpu bind group layout and its `override` constants, compiled once per device into a pipeline (pipeline-cache.ts; with others,
// asynchronously, inside a PipelineBuild: pipeline-build.ts). Dispatches are plain records that a
// plan replays into a command encoder; nothing here is created per dispatch.
// A kernel that reads the batch size (BATCH, batch-size.ts) takes a second bind group, the
// batch's uniform: its dispatch carries that BatchSize and its grid for any sample count, so a
// plan re-sizes it for another batch (resizeDispatch) without another pipeline or bind group.
import tgpu, { type TgpuBindGroupLayout, type TgpuRoot } from 'typegpu';
import type { ExtractBindGroupInputFromLayout, TgpuLayoutEntry } from 'typegpu';
import { shaderSource } from './shaders.ts';
import { libraryExternals, readsBatchSize, withPrelude } from './shader-prelude.ts';
import { BATCH_GROUP, batchLayout, type BatchSize } from './batch-size.ts';
import type { DispatchKernel } from './kernel-registry.ts';
import { createPipelineNow, currentPipelineBuild } from './pipeline-build.ts';
import { layoutStructure } from './pipeline-cache.ts';

/** WebGPU's guaranteed maximum number of workgroups per dispatch dimension. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

export type Entries = Record<string, TgpuLayoutEntry | null>;
export type Workgroups = readonly [number, number, number];

/** One prepared dispatch: replayed as-is every step. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: Workgroups;
  /** The registry entry that built it and the pass's cost (src/gpu/kernel-registry.ts). */
  kernel?: DispatchKernel;
  /** The batch size the kernel reads (@group(1)), for kernels that read one. */
  batch?: BatchSize;
  /** The grid for a batch of `count` samples, for dispatches whose work follows the batch. */
  gridFor?: (count: number) => Workgroups;
}

/** What a dispatch of a kernel that reads the batch size needs (Kernel.dispatch). */
export interface DispatchSizing {
  batch: BatchSize;
  /** The grid for `count` samples (default: the same grid for every batch size). */
  gridFor?: (count: number) => Workgroups;
}

export interface KernelOptions<E extends Entries> {
  /** File name in shaders/ without `.wgsl`; also the label. */
  shader: string;
  /** A generated template (src/gpu/gemm/) compiled instead of shaders/<shader>.wgsl; `shader` then only labels it. */
  source?: string;
  layout: TgpuBindGroupLayout<E>;
  /**
   * Values of the shader's `override` constants: workgroup sizes (TypeScript is the one place
   * they are written) and any shape constants. The prelude (shader-prelude.ts) declares each as
   * a u32 unless the shader declares it itself (bool and f32 constants).
   */
  constants?: Record<string, number>;
  /** Extra names the template refers to (struct schemas, other layouts). */
  externals?: Record<string, unknown>;
  /** Suffix for labels where one shader is compiled several times with other constants. */
  variant?: string;
  /**
   * Rewrites the template before it is compiled (the bench's arithmetic-floor probe, which
   * strips a kernel's loads); the kernel then computes something else and must not be used.
   */
  rewriteSource?: (template: string) => string;
  /** The registry entry this kernel compiles, copied onto its dispatches. */
  entry?: DispatchKernel;
}

/** Number of workgroups to cover `n` items with groups of `size`, checked against the limit. */
export function groupsFor(n: number, size: number, what = 'dispatch'): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: bad item count ${n}`);
  const groups = Math.ceil(n / size);
  checkWorkgroups([groups, 1, 1], what);
  return groups;
}

/**
 * Workgroup grid (x, y) for `groups` workgroups: 1-D when it fits in one dimension, else 2-D.
 * A shader dispatched this way linearises its workgroup index with
 *   wg = workgroup_id.y * num_workgroups.x + workgroup_id.x
 * and must bounds-check the resulting invocation index (gx * gy may exceed `groups`).
 */
export function grid2d(groups: number, what = 'dispatch'): [number, number] {
  if (!Number.isInteger(groups) || groups < 0) throw new Error(`${what}: bad workgroup count ${groups}`);
  if (groups <= MAX_WORKGROUPS_PER_DIMENSION) return [Math.max(groups, 1), 1];
  const gy = Math.ceil(groups / MAX_WORKGROUPS_PER_DIMENSION);
  const gx = Math.ceil(groups / gy);
  if (gy > MAX_WORKGROUPS_PER_DIMENSION) throw new Error(`${what}: ${groups} workgroups is too many for a 2-D grid`);
  return [gx, gy];
}

/** Largest invocation count whose linear index (a u32 in the shaders) cannot wrap around. */
const MAX_LINEAR_INVOCATIONS = 2 ** 32;

/**
 * Grid for `n` items (one per invocation) in workgroups of `size` (grid2d of ceil(n / size)).
 * Also checks that every linear invocation index of the grid fits in a u32, so a shader's
 * `index >= COUNT` bounds check cannot be fooled by wrap-around.
 */
export function gridFor(n: number, size: number, what = 'dispatch'): [number, number] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: bad item count ${n}`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`${what}: bad workgroup size ${size}`);
  const [gx, gy] = grid2d(Math.ceil(n / size), what);
  if (gx * gy * size > MAX_LINEAR_INVOCATIONS) {
    throw new Error(`${what}: ${n} items need invocation indices past 2^32; split the work`);
  }
  return [gx, gy];
}

export function checkWorkgroups(w: Workgroups, what: string): void {
  for (const g of w) {
    if (!Number.isInteger(g) || g < 0 || g > MAX_WORKGROUPS_PER_DIMENSION) {
      throw new Error(
        `${what}: ${g} workgroups in one dimension (limit ${MAX_WORKGROUPS_PER_DIMENSION}); split the dispatch`,
      );
    }
  }
}

export class Kernel<E extends Entries> {
  readonly label: string;
  readonly code: string;
  private readonly root: TgpuRoot;
  private readonly layout: TgpuBindGroupLayout<E>;
  private readonly entry: DispatchKernel | undefined;
  private built: GPUComputePipeline | undefined;
  /** Whether the shader reads the batch size (its pipeline layout then has @group(1)). */
  readonly readsBatch: boolean;

  /**
   * Inside `buildingPipelines` the pipeline is built asynchronously with the build's others
   * (ready once the build's `finish` resolves); elsewhere it is built at once.
   */
  constructor(root: TgpuRoot, options: KernelOptions<E>) {
    const { shader, source, layout, constants = {}, externals = {}, variant, rewriteSource, entry } = options;
    this.root = root;
    this.entry = entry;
    this.layout = layout;
    this.label = variant ? `${shader}[${variant}]` : shader;
    const template = source ?? shaderSource(shader);
    const body = rewriteSource ? rewriteSource(template) : template;
    const withLib = withPrelude(body, Object.keys(constants), this.label);
    this.readsBatch = readsBatchSize(withLib);
    const batchExternals: Record<string, object> = this.readsBatch ? { batchLayout } : {};
    this.code = tgpu.resolve({ template: withLib, externals: { ...libraryExternals(withLib), layout, ...batchExternals, ...externals } });
    const layouts = this.readsBatch ? [root.unwrap(layout), root.unwrap(batchLayout)] : [root.unwrap(layout)];
    const layoutKey = layoutStructure(layout.entries) + (this.readsBatch ? '|batch' : '');
    const spec = { label: this.label, code: this.code, constants, bindGroupLayouts: layouts, layoutKey };
    const build = currentPipelineBuild();
    if (build) build.request(spec, (pipeline) => (this.built = pipeline));
    else this.built = createPipelineNow(root.device, spec);
  }

  /** The compiled pipeline (of a kernel made in a build: once the build has finished). */
  get pipeline(): GPUComputePipeline {
    if (!this.built) throw new Error(`${this.label}: its pipeline is still being built (await the PipelineBuild first)`);
    return this.built;
  }

  /** A bind group for this kernel's layout (build once, reuse every step). */
  bind(resources: ExtractBindGroupInputFromLayout<E>): GPUBindGroup {
    return this.root.unwrap(this.root.createBindGroup(this.layout, resources));
  }

  /**
   * A prepared dispatch; the workgroup counts are checked against the per-dimension limit. A
   * kernel that reads the batch size needs `sizing`: the batch it is sized for now (x, y, z)
   * and its grid for other sample counts.
   */
  dispatch(bindGroup: GPUBindGroup, x: number, y = 1, z = 1, label = this.label, sizing?: DispatchSizing): Dispatch {
    const workgroups = [x, y, z] as const;
    checkWorkgroups(workgroups, label);
    if (this.readsBatch && !sizing) throw new Error(`${label}: the kernel reads the batch size; its dispatch needs a BatchSize`);
    if (!this.readsBatch && sizing) throw new Error(`${label}: the kernel does not read the batch size; its dispatch takes none`);
    const kernel = this;
    // The pipeline is looked up when the dispatch is encoded (a build may still be running now).
    return {
      label,
      bindGroup,
      workgroups,
      get pipeline() {
        return kernel.pipeline;
      },
      ...(this.entry ? { kernel: this.entry } : {}),
      ...(sizing ? { batch: sizing.batch } : {}),
      ...(sizing?.gridFor ? { gridFor: sizing.gridFor } : {}),
    };
  }
}

/**
 * `d` for a batch of `batch.count` samples: its grid for that count and `batch` as its batch
 * uniform (the same pipeline and bind group). A dispatch that does not read the batch size is
 * returned as it is.
 */
export function resizeDispatch(d: Dispatch, batch: BatchSize): Dispatch {
  if (!d.batch) return d;
  const workgroups = d.gridFor ? d.gridFor(batch.count) : d.workgroups;
  checkWorkgroups(workgroups, d.label);
  return {
    label: d.label,
    bindGroup: d.bindGroup,
    workgroups,
    get pipeline() {
      return d.pipeline;
    },
    ...(d.kernel ? { kernel: d.kernel } : {}),
    batch,
    ...(d.gridFor ? { gridFor: d.gridFor } : {}),
  };
}

/** Records dispatches into a compute pass (the batch's bind group set only where it changes). */
export function recordDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  let batchGroup: GPUBindGroup | undefined;
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    if (d.batch && d.batch.bindGroup !== batchGroup) {
      batchGroup = d.batch.bindGroup;
      pass.setBindGroup(BATCH_GROUP, batchGroup);
    }
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}

/** Records dispatches into one compute pass. */
export function encodeDispatches(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[], label?: string): void {
  const pass = encoder.beginComputePass(label ? { label } : undefined);
  recordDispatches(pass, dispatches);
  pass.end();
}

/** Submits dispatches in one command buffer. */
export function runDispatches(device: GPUDevice, dispatches: readonly Dispatch[], label?: string): void {
  const encoder = device.createCommandEncoder(label ? { label } : undefined);
  encodeDispatches(encoder, dispatches, label);
  device.queue.submit([encoder.finish()]);
}
