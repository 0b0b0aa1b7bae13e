// The GPU object counts (src/gpu/gpu-objects.ts) on a stand-in device: each create* counts its
// kind (async ones when they resolve), destroy() counts once however often it is called, only
// tracked devices count, and a device is wrapped once.
import { describe, expect, it } from 'vitest';
import { gpuObjectCounts, liveGpuObjects, trackGpuObjects } from '../../src/gpu/gpu-objects.ts';

/** A device whose create* methods return plain objects (buffers, textures and query sets with destroy()). */
function standInDevice(): GPUDevice {
  const destroyable = () => ({ destroyed: 0, destroy() { this.destroyed++; } });
  return {
    createBuffer: destroyable,
    createTexture: destroyable,
    createQuerySet: destroyable,
    createBindGroup: () => ({}),
    createBindGroupLayout: () => ({}),
    createPipelineLayout: () => ({}),
    createShaderModule: () => ({}),
    createComputePipeline: () => ({}),
    createComputePipelineAsync: () => Promise.resolve({}),
  } as unknown as GPUDevice;
}

describe('trackGpuObjects', () => {
  it('counts what is created and destroyed, per kind', async () => {
    const device = trackGpuObjects(standInDevice());
    const a = device.createBuffer({ size: 4, usage: 0 });
    const b = device.createBuffer({ size: 4, usage: 0 });
    device.createBindGroup({} as GPUBindGroupDescriptor);
    device.createQuerySet({ type: 'timestamp', count: 2 });
    await device.createComputePipelineAsync({} as GPUComputePipelineDescriptor);
    a.destroy();
    a.destroy(); // destroy() is idempotent: counted once
    expect((a as unknown as { destroyed: number }).destroyed).toBe(2); // the device's own destroy still runs
    const counts = gpuObjectCounts(device);
    expect(counts.buffer).toEqual({ created: 2, destroyed: 1, collected: 0, live: 1 });
    expect(counts.bindGroup).toEqual({ created: 1, destroyed: 0, collected: 0, live: 1 });
    expect(counts.computePipeline.live).toBe(1);
    expect(liveGpuObjects(device)).toMatchObject({ buffer: 1, querySet: 1, bindGroup: 1, computePipeline: 1, texture: 0, renderPipeline: 0 });
    b.destroy();
    expect(liveGpuObjects(device).buffer).toBe(0);
  });

  it('wraps a device once; an untracked device counts nothing', () => {
    const device = trackGpuObjects(trackGpuObjects(standInDevice()));
    device.createBuffer({ size: 4, usage: 0 });
    expect(gpuObjectCounts(device).buffer.created).toBe(1);
    const untracked = standInDevice();
    untracked.createBuffer({ size: 4, usage: 0 });
    expect(gpuObjectCounts(untracked).buffer.created).toBe(0);
  });
});
