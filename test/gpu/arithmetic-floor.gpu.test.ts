// The bench's arithmetic-only twin of conv2d_1's forward compiles and runs with the layer's own
// constants and bindings, and really reads nothing of its input: two different inputs give
// the same output, where the real kernel's outputs differ. measureArithmeticFloor times both.
import { describe, expect, it } from 'vitest';
import { measureArithmeticFloor, tile5x5ArithmeticOnly } from '../../bench/arithmetic-floor.ts';
import { GpuTimer } from '../../src/gpu/timing.ts';
import { createConv2d, type Conv2dConfig } from '../../src/layers/conv2d.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { createRng } from '../../src/model/rng.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

const config = (batch: number): Conv2dConfig => ({
  name: 'conv2d_1', batch, height: 13, width: 13, inChannels: 32, outChannels: 64,
  usedOutputHeight: 10, usedOutputWidth: 10, kernelOffset: 0, biasOffset: 9 * 32 * 64, inferenceOnly: true,
});

describe('arithmetic floor of conv2d_1 forward', () => {
  it('ignores its input, unlike the real kernel (batch 1 and 3)', async () => {
    const { device, root } = await getGpu();
    const ctx = { device, root };
    const rng = createRng(7);
    for (const batch of [1, 3]) {
      const cfg = config(batch);
      const xLen = batch * 13 * 13 * 32;
      const yLen = batch * 11 * 11 * 64;
      const params = createBufferWith(device, Float32Array.from({ length: 9 * 32 * 64 + 64 }, () => rng.nextFloat() - 0.5), 'params');
      const inputs = [0, 1].map(() => createBufferWith(device, Float32Array.from({ length: xLen }, () => rng.nextFloat()), 'x'));
      const output = createStorageBuffer(device, yLen * 4, 'y');
      const run = async (rewrite: boolean, input: GPUBuffer) => {
        const layer = createConv2d(ctx, cfg, { input, output, params }, rewrite ? { rewriteForwardSource: tile5x5ArithmeticOnly } : {});
        runDispatches(device, layer.forward);
        const y = await readF32(device, output);
        layer.destroy();
        return y;
      };
      await expectNoGpuErrors(device, async () => {
        const [real0, real1] = [await run(false, inputs[0]), await run(false, inputs[1])];
        const [floor0, floor1] = [await run(true, inputs[0]), await run(true, inputs[1])];
        expect(real0).not.toEqual(real1);
        expect(floor0).toEqual(floor1);
        expect(floor0).not.toEqual(real0);
      });
      for (const b of [params, output, ...inputs]) b.destroy();
    }
  });

  it('times the kernel and its twin on the same buffers', async () => {
    const { device, root, hasTimestamps } = await getGpu();
    const params = createStorageBuffer(device, (9 * 32 * 64 + 64) * 4, 'params');
    const input = createStorageBuffer(device, 2 * 13 * 13 * 32 * 4, 'x');
    const timer = new GpuTimer(device, hasTimestamps);
    const floor = await expectNoGpuErrors(device, () =>
      measureArithmeticFloor({ device, root }, config(2), { input, params }, timer, { budgetMs: 0, minReps: 1, maxReps: 1 }),
    );
    expect(floor).toBeDefined();
    expect(floor!.batch).toBe(2);
    expect(floor!.ms).toBeGreaterThan(0);
    expect(floor!.arithmetic_ms).toBeGreaterThan(0);
    // A layer whose promoted forward is not tile5x5 (the whole 11x11 output) has no floor.
    const { usedOutputHeight: _h, usedOutputWidth: _w, ...whole } = config(2);
    expect(await measureArithmeticFloor({ device, root }, whole, { input, params }, timer, { budgetMs: 0, minReps: 1, maxReps: 1 })).toBeUndefined();
    timer.destroy();
    params.destroy();
    input.destroy();
  });
});
