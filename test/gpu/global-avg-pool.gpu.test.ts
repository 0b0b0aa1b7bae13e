// global_avg_pool_forward / global_avg_pool_backward against the float64 reference
// (test/reference/global-avg-pool.ts): batch 1 and odd batches, C = 3 and 5, odd spatial sizes,
// and a 1x1 input (the mean of one cell). The inference-only layer builds no backward.
import { describe, expect, it } from 'vitest';
import { createGlobalAvgPool } from '../../src/layers/global-avg-pool.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../reference/global-avg-pool.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

// Inputs in [-1, 1): a mean of up to 13*9 float32 terms (absolute error ~ HW * 2^-24 of the
// terms' scale before the division), dx one float32 division.
const ATOL = 2e-7;
const RTOL = 2e-7;

const CASES = [
  { B: 1, H: 13, W: 9, C: 3 },
  { B: 3, H: 7, W: 7, C: 5 },
  { B: 5, H: 1, W: 1, C: 5 },
  { B: 3, H: 13, W: 9, C: 5 },
];

describe('global average pooling', () => {
  for (const { B, H, W, C } of CASES) {
    it(`forward + backward match the reference (B=${B}, ${H}x${W}x${C})`, async () => {
      const { root, device } = await getGpu();
      const rng = new Rng(B * 100 + H * W + C);
      const inN = B * H * W * C;
      const x = Float32Array.from({ length: inN }, () => rng.nextFloat() * 2 - 1);
      const dy = Float32Array.from({ length: B * C }, () => rng.nextFloat() * 2 - 1);
      const yRef = globalAvgPoolForward(Float64Array.from(x), B, H, W, C);
      const dxRef = globalAvgPoolBackward(Float64Array.from(dy), B, H, W, C);
      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x'); // (B, H, W, C)
        const output = createBufferWith(device, new Float32Array(B * C).fill(123), 'y'); // (B, C)
        const output2 = createBufferWith(device, new Float32Array(B * C).fill(456), 'y (inference)'); // (B, C)
        const outputGrad = createBufferWith(device, dy, 'dy'); // (B, C)
        const inputGrad = createBufferWith(device, new Float32Array(inN).fill(789), 'dx'); // (B, H, W, C)
        const config = { name: 'gap', batch: B, height: H, width: W, channels: C };
        const pool = createGlobalAvgPool({ root, device }, config, { input, output, outputGrad, inputGrad });
        const infer = createGlobalAvgPool({ root, device }, { ...config, name: 'gap_inf', inferenceOnly: true }, { input, output: output2 });
        expect(infer.backward).toEqual([]);
        runDispatches(device, [...pool.forward, ...pool.backward, ...infer.forward]);
        const y = await readF32(device, output, B * C);
        const y2 = await readF32(device, output2, B * C);
        const dx = await readF32(device, inputGrad, inN);
        const yDiff = compareToReference(y, yRef, ATOL, RTOL);
        const dxDiff = compareToReference(dx, dxRef, ATOL, RTOL);
        console.log(`global avg pool B=${B} ${H}x${W}x${C}: y bad ${yDiff.bad} (max abs ${yDiff.maxAbs.toExponential(2)}), dx bad ${dxDiff.bad} (max abs ${dxDiff.maxAbs.toExponential(2)})`);
        expect(yDiff.bad).toBe(0);
        expect(dxDiff.bad).toBe(0);
        expect(Array.from(y2)).toEqual(Array.from(y));
        for (const b of [input, output, output2, outputGrad, inputGrad]) b.destroy();
      });
    });
  }

  it('bad configurations get clear errors', async () => {
    const { root, device } = await getGpu();
    const buf = createStorageBuffer(device, 64, 'unused');
    const base = { name: 'gap', batch: 1, height: 2, width: 2, channels: 1 };
    expect(() => createGlobalAvgPool({ root, device }, { ...base, width: 0 }, { input: buf, output: buf, outputGrad: buf, inputGrad: buf })).toThrow(/gap: bad width 0/);
    expect(() => createGlobalAvgPool({ root, device }, base, { input: buf, output: buf })).toThrow(/outputGrad and inputGrad are required/);
    buf.destroy();
  });
});
