// maxpool_forward / maxpool_backward against the float64 reference (test/reference/pool.ts):
// the model's shapes (26x26x32, 11x11x64 with the dropped row/col) at batch 1, 37, 128, an
// awkward odd shape (7x9x3), and inputs with many exact ties (first max in window order wins).
// Max pooling only selects and routes values, so the comparison is exact.
// Also: an inference-only layer (no gradient buffers) builds one arg-max-free forward, no
// backward, and gives the same output; and B=1000 at 26x26x32, whose backward needs more than
// 65,535 workgroups (a 2-D grid), is checked exactly element by element.
import { describe, expect, it } from 'vitest';
import { createMaxPool, MAXPOOL_WORKGROUP_SIZE } from '../../src/layers/maxpool.ts';
import { createBufferWith, createStorageBuffer, readF32, readU32 } from '../../src/gpu/buffers.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from '../reference/pool.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { maxAbsDiff } from '../../src/gpu/tolerance.ts';

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
        // Inference-only twin: no gradient buffers, no argmax, no backward; same output.
        const output2 = createBufferWith(device, new Float32Array(outN).fill(456), 'y (inference)');
        const infer = createMaxPool(
          { root, device },
          { name: 'pool_inf', batch: B, height: H, width: W, channels: C, inferenceOnly: true },
          { input, output: output2 },
        );
        expect(infer.backward).toEqual([]);
        expect(infer.forward.length).toBe(1);
        expect(infer.inference).toEqual(infer.forward);
        expect(infer.argmax).toBeUndefined();
        runDispatches(device, [...pool.forward, ...pool.backward, ...infer.forward]);
        const y = await readF32(device, output, outN);
        const y2 = await readF32(device, output2, outN);
        expect(maxAbsDiff(y2, y)).toBe(0);
        infer.destroy();
        output2.destroy();
        const win = await readU32(device, pool.argmax!, outN);
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

  it('B=1000, 26x26x32: 2-D grid past 65,535 workgroups, exact', async () => {
    const { root, device } = await getGpu();
    const [B, H, W, C] = [1000, 26, 26, 32];
    const HO = H / 2;
    const WO = W / 2;
    const inN = B * H * W * C;
    const outN = B * HO * WO * C;
    // Cheap deterministic inputs (a multiplicative hash), quantized to 64 levels so that windows
    // also hold exact ties.
    const x = new Float32Array(inN);
    for (let i = 0; i < inN; i++) x[i] = (Math.imul(i + 1, 0x9e3779b1) >>> 26) - 32;
    const dy = new Float32Array(outN);
    for (let o = 0; o < outN; o++) dy[o] = o + 1; // distinct and exact in f32 (< 2^24)

    await expectNoGpuErrors(device, async () => {
      const input = createBufferWith(device, x, 'x');
      const output = createStorageBuffer(device, outN * 4, 'y');
      const outputGrad = createBufferWith(device, dy, 'dy');
      const inputGrad = createBufferWith(device, new Float32Array(inN).fill(123), 'dx');
      const pool = createMaxPool({ root, device }, { name: 'pool', batch: B, height: H, width: W, channels: C }, {
        input,
        output,
        outputGrad,
        inputGrad,
      });
      const groups = Math.ceil(inN / MAXPOOL_WORKGROUP_SIZE);
      expect(groups).toBeGreaterThan(MAX_WORKGROUPS_PER_DIMENSION);
      const [gx, gy, gz] = pool.backward[0].workgroups;
      expect(gy).toBeGreaterThan(1);
      expect(gx).toBeLessThanOrEqual(MAX_WORKGROUPS_PER_DIMENSION);
      expect(gx * gy * gz).toBeGreaterThanOrEqual(groups);
      runDispatches(device, [...pool.forward, ...pool.backward]);
      const y = await readF32(device, output, outN);
      const dx = await readF32(device, inputGrad, inN);
      // Expected values window by window: the first max in window order gets dy, the rest 0.
      let yBad = 0;
      let dxBad = 0;
      for (let o = 0; o < outN; o++) {
        const c = o % C;
        const j = Math.floor(o / C) % WO;
        const i = Math.floor(o / (C * WO)) % HO;
        const b = Math.floor(o / (C * WO * HO));
        const base = ((b * H + 2 * i) * W + 2 * j) * C + c;
        const idx = [base, base + C, base + W * C, base + W * C + C];
        let best = 0;
        for (let k = 1; k < 4; k++) if (x[idx[k]] > x[idx[best]]) best = k;
        if (y[o] !== x[idx[best]]) yBad++;
        for (let k = 0; k < 4; k++) if (dx[idx[k]] !== (k === best ? dy[o] : 0)) dxBad++;
      }
      console.log(`maxpool B=${B} ${H}x${W}x${C}: backward grid ${gx}x${gy} (${groups} groups), y mismatches ${yBad}, dx mismatches ${dxBad}`);
      expect(yBad).toBe(0);
      expect(dxBad).toBe(0);
      pool.destroy();
      for (const b of [input, output, outputGrad, inputGrad]) b.destroy();
    });
  });
});
