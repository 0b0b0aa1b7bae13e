// Counts the GPU objects a device makes, per kind, so that a leak shows as a number: the
// device's create* methods are wrapped once (trackGpuObjects, called by acquireGpu before
// anything is created, typegpu's own objects included), each buffer's, texture's and query
// set's destroy() is counted once, and a FinalizationRegistry counts the objects the garbage
// collector took without a destroy() (bind groups, pipelines and layouts have none). Cheap
// enough to be always on: a few map updates per object created, nothing per dispatch.

export const GPU_OBJECT_KINDS = [
  'buffer',
  'texture',
  'querySet',
  'sampler',
  'bindGroup',
  'bindGroupLayout',
  'pipelineLayout',
  'shaderModule',
  'computePipeline',
  'renderPipeline',
] as const;

export type GpuObjectKind = (typeof GPU_OBJECT_KINDS)[number];

export interface GpuObjectCount {
  created: number;
  /** Released by destroy() (buffers, textures, query sets). */
  destroyed: number;
  /** Taken by the garbage collector without a destroy() (seen after a collection only). */
  collected: number;
  /** created - destroyed - collected. */
  live: number;
}

export type GpuObjectCounts = Record<GpuObjectKind, GpuObjectCount>;

/** The device methods that make each kind (an async one counts when its promise resolves). */
const CREATORS: readonly [method: string, kind: GpuObjectKind, async: boolean][] = [
  ['createBuffer', 'buffer', false],
  ['createTexture', 'texture', false],
  ['createQuerySet', 'querySet', false],
  ['createSampler', 'sampler', false],
  ['createBindGroup', 'bindGroup', false],
  ['createBindGroupLayout', 'bindGroupLayout', false],
  ['createPipelineLayout', 'pipelineLayout', false],
  ['createShaderModule', 'shaderModule', false],
  ['createComputePipeline', 'computePipeline', false],
  ['createComputePipelineAsync', 'computePipeline', true],
  ['createRenderPipeline', 'renderPipeline', false],
  ['createRenderPipelineAsync', 'renderPipeline', true],
];

/** One object's entry: what the collector's callback needs (never the object itself). */
interface Entry {
  kind: GpuObjectKind;
  tally: Tally;
  destroyed: boolean;
}

type Tally = Record<GpuObjectKind, { created: number; destroyed: number; collected: number }>;

const tallies = new WeakMap<GPUDevice, Tally>();

const collector = new FinalizationRegistry<Entry>((entry) => {
  if (!entry.destroyed) entry.tally[entry.kind].collected++;
});

function emptyTally(): Tally {
  return Object.fromEntries(GPU_OBJECT_KINDS.map((k) => [k, { created: 0, destroyed: 0, collected: 0 }])) as Tally;
}

function count(tally: Tally, kind: GpuObjectKind, object: object): void {
  const entry: Entry = { kind, tally, destroyed: false };
  tally[kind].created++;
  collector.register(object, entry);
  const destroyable = object as { destroy?: () => void };
  if (typeof destroyable.destroy !== 'function') return;
  const destroy = destroyable.destroy;
  destroyable.destroy = function (this: unknown) {
    if (!entry.destroyed) {
      entry.destroyed = true;
      tally[kind].destroyed++;
    }
    return destroy.call(this);
  };
}

/** Wraps `device`'s create* methods to count what it makes (once per device); returns the device. */
export function trackGpuObjects(device: GPUDevice): GPUDevice {
  if (tallies.has(device)) return device;
  const tally = emptyTally();
  tallies.set(device, tally);
  const methods = device as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [method, kind, async] of CREATORS) {
    const create = methods[method];
    if (typeof create !== 'function') continue;
    methods[method] = async
      ? function (this: unknown, ...args: unknown[]) {
          return (create.apply(this, args) as Promise<object>).then((made) => {
            count(tally, kind, made);
            return made;
          });
        }
      : function (this: unknown, ...args: unknown[]) {
          const made = create.apply(this, args) as object;
          count(tally, kind, made);
          return made;
        };
  }
  return device;
}

/** The counts of a tracked device (all zero for one that is not). */
export function gpuObjectCounts(device: GPUDevice): GpuObjectCounts {
  const tally = tallies.get(device) ?? emptyTally();
  return Object.fromEntries(
    GPU_OBJECT_KINDS.map((k) => {
      const { created, destroyed, collected } = tally[k];
      return [k, { created, destroyed, collected, live: created - destroyed - collected }];
    }),
  ) as GpuObjectCounts;
}

/** Live objects per kind (created - destroyed - collected). */
export function liveGpuObjects(device: GPUDevice): Record<GpuObjectKind, number> {
  const counts = gpuObjectCounts(device);
  return Object.fromEntries(GPU_OBJECT_KINDS.map((k) => [k, counts[k].live])) as Record<GpuObjectKind, number>;
}
