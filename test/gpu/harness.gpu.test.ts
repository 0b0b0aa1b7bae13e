// The GPU harness: headless Chromium gives a WebGPU adapter, and a WGSL kernel from shaders/
// goes through typegpu (bind group layout, tgpu.resolve, root.unwrap) to numbers we check.
import { describe, expect, it } from 'vitest';
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, groupsFor, runDispatches } from '../../src/gpu/kernel.ts';
import { createBufferWith, readF32 } from '../../src/gpu/buffers.ts';
import { describeAdapter } from '../../src/gpu/device.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

const AxpyParams = d.struct({ n: d.u32, a: d.f32 }).$name('AxpyParams');
const axpyLayout = tgpu.bindGroupLayout({
  params: { uniform: AxpyParams },
  x: { storage: d.arrayOf(d.f32), access: 'readonly' },
  y: { storage: d.arrayOf(d.f32), access: 'mutable' },
});
const WORKGROUP_SIZE = 64;

describe('WebGPU harness', () => {
  it('has a WebGPU adapter', async () => {
    const gpu = await getGpu();
    console.log(`adapter: ${describeAdapter(gpu.adapter)}`);
    expect(gpu.device).toBeDefined();
  });

  for (const n of [1, 63, 64, 1000]) {
    it(`runs smoke_axpy through typegpu (n=${n})`, async () => {
      const { root, device } = await getGpu();
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
      const y0 = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 7);
      const a = -1.75;
      await expectNoGpuErrors(device, async () => {
        const kernel = new Kernel(root, { shader: 'smoke_axpy', layout: axpyLayout, constants: { WORKGROUP_SIZE } });
        expect(kernel.code).toContain('@group(0) @binding(2) var<storage, read_write> y');
        const params = root.createBuffer(AxpyParams, { n, a }).$usage('uniform');
        const xBuf = createBufferWith(device, x, 'x');
        const yBuf = createBufferWith(device, y0, 'y');
        const bindGroup = kernel.bind({ params, x: xBuf, y: yBuf });
        runDispatches(device, [kernel.dispatch(bindGroup, groupsFor(n, WORKGROUP_SIZE))]);
        const y = await readF32(device, yBuf, n);
        // float32 tolerance: |gpu - ref| <= 1e-6 * (1 + |ref|)
        let maxRel = 0;
        for (let i = 0; i < n; i++) {
          const ref = a * x[i] + y0[i];
          maxRel = Math.max(maxRel, Math.abs(y[i] - ref) / (1 + Math.abs(ref)));
        }
        console.log(`smoke_axpy n=${n}: max scaled diff ${maxRel.toExponential(2)}`);
        expect(maxRel).toBeLessThan(1e-6);
        params.destroy();
        xBuf.destroy();
        yBuf.destroy();
      });
    });
  }

  it('refuses a dispatch over the per-dimension workgroup limit', async () => {
    expect(() => groupsFor(65536 * 64, 64, 'too big')).toThrow(/65535/);
  });
});
