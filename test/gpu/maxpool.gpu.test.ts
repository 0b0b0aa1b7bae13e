// maxpool_forward / maxpool_backward against the float64 reference (test/reference/pool.ts):
// the model's shapes (26x26x32, 11x11x64 with the dropped row/col) at batch 1, 37, 128, an
// awkward odd shape (7x9x3), and inputs with many exact ties (first max in window order wins).
// Max pooling only selects and routes values, so the comparison is exact.
import { describe, expect, it } from 'vitest';
import { createMaxPool } from '../../src/layers/maxpool.ts';
import { createBufferWith, createStorageBuffer, readF32, readU32 } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from '../reference/pool.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

interface Case {
  B: number;
  H: number;
  W: number;
  C: number;
  /** Quantize inputs to a few levels so that windows hold exact ties. */
  ties?: boolean;
}

const CASES: Case[] = [
  { B: 1, H: 26, W: 26, C: 32 },
  { B: 37, H: 26, W: 26, C: 32 },
  { B: 128, H: 26, W: 26, C: 32 },
  { B: 1, H: 11, W: 11, C: 64 },
  { B: 37, H: 11, W: 11, C: 64 },
  { B: 128, H: 11, W: 11, C: 64 },
  { B: 5, H: 7, W: 9, C: 3 },
  { B: 3, H: 9, W: 7, C: 5, ties: true },
  { B: 37, H: 11, W: 11, C: 64, ties: true },
];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('maxpool 2x2', () => {
  for (const { B, H, W, C, ties } of CASES) {
    it(`forward + backward match the reference (B=${B}, ${H}x${W}x${C}${ties ? ', ties' : ''})`, async () => {
      const { root, device } = await getGpu();
      const rng = new Rng(7 * B + H * 100 + C);
      const HO = Math.floor(H / 2);
      const WO = Math.floor(W / 2);
      const inN = B * H * W * C;
      const outN = B * HO * WO * C;
      const x = Float32Array.from({ length: inN }, () => (ties ? rng.nextInt(3) : rng.nextFloat() * 2 - 1));
      const dy = Float32Array.from({ length: outN }, () => rng.nextFloat() * 2 - 1);
      const ref = maxpool2x2Forward(Float64Array.from(x), B, H, W, C);
      const dxRef = maxpool2x2Backward(Float64Array.from(dy), ref.argmax, B, H, W, C);

      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x');
        const output = createStorageBuffer(device, outN * 4, 'y');
        const outputGrad = createBufferWith(device, dy, 'dy');
        // Prefilled with garbage: every dx element (dropped row/col included) must be written.
        const inputGrad = createBufferWith(device, new Float32Array(inN).fill(123), 'dx');
        const pool = createMaxPool({ root, device }, { name: 'pool', batch: B, height: H, width: W, channels: C }, {
          input,
          output,
          outputGrad,
          inputGrad,
        });
        expect(pool.inference).toEqual(pool.forward);
        runDispatches(device, [...pool.forward, ...pool.backward]);
        const y = await readF32(device, output, outN);
        const win = await readU32(device, pool.argmax, outN);
        const dx = await readF32(device, inputGrad, inN);
        const yDiff = maxAbsDiff(y, ref.y);
        const dxDiff = maxAbsDiff(dx, dxRef);
        let winMismatch = 0;
        for (let i = 0; i < outN; i++) if (win[i] !== ref.window[i]) winMismatch++;
        console.log(
          `maxpool B=${B} ${H}x${W}x${C}${ties ? ' ties' : ''}: max|y-ref| ${yDiff}, argmax mismatches ${winMismatch}, max|dx-ref| ${dxDiff}`,
        );
        // Exact: pooling selects values and routes gradients without arithmetic.
        expect(yDiff).toBe(0);
        expect(winMismatch).toBe(0);
        expect(dxDiff).toBe(0);
        pool.destroy();
        for (const b of [input, output, outputGrad, inputGrad]) b.destroy();
      });
    });
  }
});

