// PipelineBuild: kernels made inside a build get their pipelines asynchronously; the build
// reports built/total as they finish, shares one pipeline between kernels of the same code,
// constants and layout structure (within a build and across the builds of one device), refuses use before it has finished, and the kernels then compute what
// a float64 reference says. A shader that does not compile fails the build with its name.
import { describe, expect, it } from 'vitest';
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, groupsFor, runDispatches } from '../../src/gpu/kernel.ts';
import { buildingPipelines, PipelineBuild, type BuildProgress } from '../../src/gpu/pipeline-build.ts';
import { createBufferWith, readF32 } from '../../src/gpu/buffers.ts';
import { pipelinesCompiled } from '../../src/gpu/pipeline-cache.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

const AxpyParams = d.struct({ n: d.u32, a: d.f32 }).$name('AxpyParams');
const axpyLayout = tgpu.bindGroupLayout({
  params: { uniform: AxpyParams },
  x: { storage: d.arrayOf(d.f32), access: 'readonly' },
  y: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

describe('PipelineBuild', () => {
  it('builds kernels asynchronously, shares equal pipelines, reports progress, and the kernels compute', async () => {
    const { root, device } = await getGpu();
    const n = 300;
    const x = Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 2);
    const y0 = Float32Array.from({ length: n }, (_, i) => 1 - i * 0.25);
    await expectNoGpuErrors(device, async () => {
      const build = new PipelineBuild(device);
      const make = (size: number) => new Kernel(root, { shader: 'smoke_axpy', layout: axpyLayout, constants: { WORKGROUP_SIZE: size } });
      const [k64, again64, k32] = buildingPipelines(build, () => [make(64), make(64), make(32)]);
      expect(build.total).toBe(2); // two 64s share one pipeline
      const progress: BuildProgress[] = [];
      const finished = build.finish((p) => progress.push(p));
      expect(() => k32.pipeline).toThrow(/still being built/);
      await finished;
      expect(progress[0]).toEqual({ built: 0, total: 2 });
      expect(progress.at(-1)).toEqual({ built: 2, total: 2 });
      expect(progress.map((p) => p.built)).toEqual([...progress.map((p) => p.built)].sort((a, b) => a - b));
      expect(again64.pipeline).toBe(k64.pipeline);
      expect(k32.pipeline).not.toBe(k64.pipeline);
      expect(build.compiled).toBe(2);

      // y <- a x + y with the 64-wide kernel, then again with the 32-wide one.
      const a = 0.75;
      const params = root.createBuffer(AxpyParams, { n, a }).$usage('uniform');
      const xBuf = createBufferWith(device, x, 'x');
      const yBuf = createBufferWith(device, y0, 'y');
      const dispatches = [k64, k32].map((k) => k.dispatch(k.bind({ params, x: xBuf, y: yBuf }), groupsFor(n, k === k64 ? 64 : 32)));
      runDispatches(device, dispatches);
      const y = await readF32(device, yBuf, n);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i] - (y0[i] + 2 * a * x[i])) / (1 + Math.abs(y0[i])));
      expect(worst).toBeLessThan(1e-6);
      for (const b of [params, xBuf, yBuf]) b.destroy();
    });
  });

  it('shares pipelines across builds of one device: a later build compiles only what is new', async () => {
    const { root, device } = await getGpu();
    // A layout object of its own with the same structure as axpyLayout: the pipelines are alike.
    const sameShape = tgpu.bindGroupLayout({
      params: { uniform: AxpyParams },
      x: { storage: d.arrayOf(d.f32), access: 'readonly' },
      y: { storage: d.arrayOf(d.f32), access: 'mutable' },
    });
    const make = (size: number, layout = axpyLayout) => new Kernel(root, { shader: 'smoke_axpy', layout, constants: { WORKGROUP_SIZE: size } });
    const first = new PipelineBuild(device);
    const before = pipelinesCompiled(device);
    const [a] = buildingPipelines(first, () => [make(48)]);
    await first.finish();
    expect(first.compiled).toBe(1);
    const second = new PipelineBuild(device);
    const [again, other, reshaped] = buildingPipelines(second, () => [make(48), make(16), make(48, sameShape)]);
    await second.finish();
    expect(second.total).toBe(2);
    expect(second.compiled).toBe(1); // only the 16-wide one is new
    expect(again.pipeline).toBe(a.pipeline);
    expect(reshaped.pipeline).toBe(a.pipeline);
    expect(other.pipeline).not.toBe(a.pipeline);
    expect(pipelinesCompiled(device) - before).toBe(2);
    // Made outside a build: the cached pipeline, compiled no more.
    expect(make(16).pipeline).toBe(other.pipeline);
    expect(pipelinesCompiled(device) - before).toBe(2);
  });

  it('fails with the kernel name when a shader does not compile', async () => {
    const { root, device } = await getGpu();
    const build = new PipelineBuild(device);
    device.pushErrorScope('validation');
    buildingPipelines(build, () =>
      new Kernel(root, { shader: 'smoke_axpy', layout: axpyLayout, constants: { WORKGROUP_SIZE: 64 }, variant: 'broken', rewriteSource: (t) => t.replace('let i = gid.x;', 'let i = gid.x + nothing;') }),
    );
    await device.popErrorScope(); // the shader module's own compile error
    await expect(build.finish()).rejects.toThrow(/smoke_axpy\[broken\]/);
  });
});
