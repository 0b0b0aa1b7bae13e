// A tunable slot made of tiny real WGSL kernels for the autotuner's tests: y = 3x + 1 over n
// values, computed by a general kernel (one value per invocation), a correct but slower one
// (adds x `REPEATS` times), a wrong one that is fastest (one workgroup: only the first 64 values)
// and, on request, one whose shader does not compile. Counts builds and readbacks.
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import type { Dispatch } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import type { BuiltCandidate, TuneCandidate, TuneSlot } from '../../src/tune/slots.ts';

const WORKGROUP = 64;
/** Additions per value in the slow kernel (read from a buffer, so the compiler cannot fold the loop). */
export const REPEATS = 32;

const HEADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> repeats: array<u32>;
`;

const SHADERS = {
  general: `${HEADER}
@compute @workgroup_size(${WORKGROUP}) fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = g.y * nw.x * ${WORKGROUP}u + g.x;
  if (i >= arrayLength(&y)) { return; }
  y[i] = 3.0 * x[i] + 1.0;
}`,
  slow: `${HEADER}
@compute @workgroup_size(${WORKGROUP}) fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = g.y * nw.x * ${WORKGROUP}u + g.x;
  if (i >= arrayLength(&y)) { return; }
  let r = repeats[0];
  var acc = 0.0;
  for (var k = 0u; k < r; k++) { acc += x[i]; }
  y[i] = 3.0 * (acc / f32(r)) + 1.0;
}`,
  wrong: `${HEADER}
@compute @workgroup_size(${WORKGROUP}) fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= arrayLength(&y)) { return; }
  y[g.x] = 3.0 * x[g.x] + 1.0;
}`,
  broken: `${HEADER}
@compute @workgroup_size(${WORKGROUP}) fn main() { y[0] = undefined_name; }`,
} as const;

export type FakeKernel = keyof typeof SHADERS;

/** The float64 reference of every correct kernel. */
export function referenceOf(x: Float32Array): Float64Array {
  return Float64Array.from(x, (v) => 3 * v + 1);
}

export interface FakeSlot extends TuneSlot {
  /** build() calls per candidate id. */
  builds: Map<string, number>;
  readbacks: number;
  /** The input values reset() wrote last. */
  input(): Float32Array;
  /** Builds one kernel outside the tuner (for direct checks and timings). */
  buildKernel(id: FakeKernel): BuiltCandidate;
}

export function fakeSlot(device: GPUDevice, options: { n: number; batch: number; kernels: FakeKernel[]; fixed?: FakeKernel; layer?: string }): FakeSlot {
  const { n, batch, kernels } = options;
  const x = createStorageBuffer(device, n * 4, 'fake slot x'); // (n)
  const y = createStorageBuffer(device, n * 4, 'fake slot y'); // (n)
  const repeats = createBufferWith(device, new Uint32Array([REPEATS]), 'fake slot repeats');
  const layout = device.createBindGroupLayout({
    label: 'fake slot',
    entries: ['read-only-storage', 'storage', 'read-only-storage'].map((type, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: type as GPUBufferBindingType },
    })),
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  let last = new Float32Array(n);
  const groups = Math.ceil(n / WORKGROUP);
  const [gx, gy] = groups <= 65535 ? [groups, 1] : [65535, Math.ceil(groups / 65535)];

  const slot: FakeSlot = {
    layer: options.layer ?? 'affine_1',
    type: 'Affine',
    pass: 'forward',
    plan: 'training',
    config: { n, a: 3, b: 1 },
    batch,
    reference: 'general',
    fixed: options.fixed ?? 'general',
    reductionLength: 1,
    builds: new Map(),
    readbacks: 0,
    candidates: kernels.map((id): TuneCandidate => ({
      id,
      build: () => {
        slot.builds.set(id, (slot.builds.get(id) ?? 0) + 1);
        return slot.buildKernel(id);
      },
    })),
    buildKernel(id) {
      const module = device.createShaderModule({ label: `fake ${id}`, code: SHADERS[id] });
      const pipeline = device.createComputePipeline({ label: `fake ${id}`, layout: pipelineLayout, compute: { module, entryPoint: 'main' } });
      const bindGroup = device.createBindGroup({
        layout,
        entries: [x, y, repeats].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const dispatch: Dispatch = { label: `fake ${id}`, pipeline, bindGroup, workgroups: id === 'wrong' ? [1, 1, 1] : [gx, gy, 1] };
      return {
        dispatches: [dispatch],
        readOutput: async () => {
          slot.readbacks++;
          return readF32(device, y, n);
        },
        destroy: () => {},
      };
    },
    reset(seed) {
      const rng = new Rng(seed);
      last = Float32Array.from({ length: n }, () => rng.nextFloat() * 4 - 2);
      device.queue.writeBuffer(x, 0, last);
      device.queue.writeBuffer(y, 0, new Float32Array(n));
    },
    input: () => last,
    destroy() {
      x.destroy();
      y.destroy();
      repeats.destroy();
    },
  };
  return slot;
}
