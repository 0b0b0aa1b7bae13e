// Batch gather: the training (or test) set lives on the GPU as bytes; an index buffer (one
// epoch's order) and StepState.batch select the batch, and one kernel writes x (B, H, W, C)
// f32 and the labels (B) u32. No per-step upload. x = pixel / 255 for MNIST and Fashion-MNIST
// (scaling 'divide-255'), x = pixel for the user's own images ('none': 0..255 as Keras gives
// them). Four values per invocation where H * W * C is a multiple of 4, else one.
//
// Evaluation: build a second gather with its own StepState-shaped buffer
// (createGatherState) and an identity index buffer, and set its batch number with
// setGatherBatch before submitting each evaluation batch; the trainer's state is untouched.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
import { createBufferWith, createStorageBuffer, writeBuffer } from '../gpu/buffers.ts';
import { StepState } from '../gpu/state.ts';
import type { GpuContext } from './types.ts';
import type { InputScaling } from '../data/image-dataset.ts';

/** Invocations per workgroup of batch_gather (one packed word = 4 pixels each). */
export const GATHER_WORKGROUP_SIZE = 64;

export interface GatherConfig {
  /** Samples per batch B. */
  batch: number;
  /** Images in the resident set (indices are clamped to it). */
  imageCount: number;
  /** Values per image H * W * C (GATHER_KERNEL: a multiple of 4; GATHER_ANY_KERNEL: any). */
  pixels: number;
  /** What a byte becomes (default 'divide-255'). */
  scaling?: InputScaling;
}

/** Moves 4 pixels per invocation: reads the bytes and the indices, writes f32 (one FLOP a value: the scale). */
export const GATHER_KERNEL: KernelEntry<GatherConfig> = {
  id: 'gather.forward.bytes',
  layerType: 'Gather',
  pass: 'forward',
  shaders: ['batch_gather'],
  workgroupSize: GATHER_WORKGROUP_SIZE,
  supports: (c) => c.pixels % 4 === 0 || `${c.pixels} values per image; the gather needs a multiple of 4 (H * W * C)`,
  constants: (c) => ({ WORKGROUP_SIZE: GATHER_WORKGROUP_SIZE, BATCH: c.batch, WORDS: c.pixels / 4, IMAGE_COUNT: c.imageCount }),
  items: (c) => (c.batch * c.pixels) / 4,
  cost: (c) => {
    const n = c.batch * c.pixels;
    return { shape: `(${c.batch},${c.pixels})`, flops: n, bytes: n + 4 * n + 8 * c.batch };
  },
};

/** Moves 1 value per invocation from any byte offset: images of any H * W * C. */
export const GATHER_ANY_KERNEL: KernelEntry<GatherConfig> = {
  id: 'gather.forward.bytes-any',
  layerType: 'Gather',
  pass: 'forward',
  shaders: ['batch_gather_any'],
  workgroupSize: GATHER_WORKGROUP_SIZE,
  supports: () => true,
  constants: (c) => ({ WORKGROUP_SIZE: GATHER_WORKGROUP_SIZE, BATCH: c.batch, PIXELS: c.pixels, IMAGE_COUNT: c.imageCount }),
  items: (c) => c.batch * c.pixels,
  cost: (c) => {
    const n = c.batch * c.pixels;
    return { shape: `(${c.batch},${c.pixels})`, flops: n, bytes: 4 * n + 4 * n + 8 * c.batch };
  },
};

/** The gather kernel for a configuration: four values at a time where the image size allows. */
export function gatherKernel(config: GatherConfig): KernelEntry<GatherConfig> {
  return config.pixels % 4 === 0 ? GATHER_KERNEL : GATHER_ANY_KERNEL;
}

/** The 256 values of the bytes: p / 255 in float32 ('divide-255') or p ('none'). */
export function scaleTable(scaling: InputScaling = 'divide-255'): Float32Array {
  return Float32Array.from({ length: 256 }, (_, p) => (scaling === 'none' ? p : p / 255));
}

export interface GatherBuffers {
  /** From uploadImages: (imageCount * pixels) bytes packed 4 per u32 */
  images: GPUBuffer;
  /** From uploadLabels: (imageCount) u32 */
  labels: GPUBuffer;
  /** (>= batches * B) u32 image numbers */
  indices: GPUBuffer;
  /** StepState; its `batch` field picks indices[batch * B .. batch * B + B) */
  state: GPUBuffer;
  /** (B, H, W, C) f32 */
  output: GPUBuffer;
  /** (B) u32 */
  outputLabels: GPUBuffer;
}

/** The bindings of both gather kernels; `output` is vec4f (4 values an invocation) or f32 (1). */
function gatherLayout<T extends d.AnyWgslData>(outputElement: T) {
  return tgpu.bindGroupLayout({
    state: { storage: StepState, access: 'readonly' },
    indices: { storage: d.arrayOf(d.u32), access: 'readonly' },
    images: { storage: d.arrayOf(d.u32), access: 'readonly' },
    labels: { storage: d.arrayOf(d.u32), access: 'readonly' },
    scale: { storage: d.arrayOf(d.f32), access: 'readonly' },
    output: { storage: d.arrayOf(outputElement), access: 'mutable' },
    outputLabels: { storage: d.arrayOf(d.u32), access: 'mutable' },
  });
}
const layout = gatherLayout(d.vec4f);
const anyLayout = gatherLayout(d.f32);

/** The training/test pixels (count * pixels bytes, image-major, back to back) as a GPU buffer of packed u32 words. */
export function uploadImages(device: GPUDevice, bytes: Uint8Array, pixels: number, label = 'images'): GPUBuffer {
  if (bytes.length % pixels !== 0) throw new Error(`uploadImages: ${bytes.length} bytes is not a whole number of ${pixels}-value images`);
  return createBufferWith(device, bytes, label);
}

/** Labels (one byte per image) widened to one u32 per image. */
export function uploadLabels(device: GPUDevice, labels: Uint8Array | ArrayLike<number>, label = 'labels'): GPUBuffer {
  return createBufferWith(device, Uint32Array.from(labels), label);
}

/** A StepState-shaped buffer for evaluation gathers (all fields 0). */
export function createGatherState(device: GPUDevice, label = 'gather.state'): GPUBuffer {
  return createStorageBuffer(device, 16, label);
}

/** Writes the `batch` field of a StepState-shaped buffer (queue order: applies to later submits). */
export function setGatherBatch(device: GPUDevice, state: GPUBuffer, batch: number): void {
  writeBuffer(device, state, Uint32Array.of(batch), 4);
}

export function createGather(
  ctx: GpuContext,
  config: GatherConfig,
  buffers: GatherBuffers,
): { dispatch: Dispatch; destroy(): void } {
  const { batch, imageCount, pixels } = config;
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`gather: bad batch ${batch}`);
  if (!Number.isInteger(pixels) || pixels < 1) throw new Error(`gather: bad image size of ${pixels} values`);
  if (!Number.isInteger(imageCount) || imageCount < 1) throw new Error(`gather: bad imageCount ${imageCount}`);
  const scale = createBufferWith(ctx.device, scaleTable(config.scaling), 'gather.scale');
  const entry = gatherKernel(config);
  const kernel = entry === GATHER_KERNEL
    ? entryKernel(ctx.root, entry, config, { layout })
    : entryKernel(ctx.root, entry, config, { layout: anyLayout });
  const bindGroup = kernel.bind({ ...buffers, scale });
  const [gx, gy] = entryGrid(entry, config, 'gather');
  const dispatch = kernel.dispatch(bindGroup, gx, gy, 1, 'gather');
  return { dispatch, destroy: () => scale.destroy() };
}
