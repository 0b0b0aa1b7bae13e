// pool2d_forward / pool2d_backward (MaxPooling2D, AveragePooling2D) against the float64 reference
// (test/reference/pool2d.ts) at awkward shapes: pool 3 stride 2 'same' on 13x9 (asymmetric
// padding, average over real cells only), pool 2 stride 1 (overlapping windows, gathered
// gradients), pool 3 'valid' on 7x7, a rectangular pool and stride, C = 3 and 5, batch 1 and odd
// batches, and max pooling on inputs with many exact ties (the first cell in row-major window
// order wins, so arg-max positions must match exactly). Each case also builds the inference-only
// twin (no arg-max, no backward), which must give the same output. The seed's case (2x2, stride 2,
// valid, odd size) is also checked exactly against the seed's own reference (test/reference/pool.ts).
import { describe, expect, it } from 'vitest';
import { createPool2d, pool2dGeometry, type Pool2dConfig, type Pool2dKind } from '../../src/layers/pool2d.ts';
import { createBufferWith, createStorageBuffer, readF32, readU32 } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { pool2dBackward, pool2dForward } from '../reference/pool2d.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from '../reference/pool.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';

// Tolerances (inputs and dy in [-1, 1)): max pooling selects values exactly; a dx element sums at
// most ceil(7/1)^2 = 49 float32 terms, an average divides a sum of at most 49 terms once.
const ATOL = 1e-6;
const RTOL = 1e-6;

interface Case {
  kind: Pool2dKind;
  B: number;
  H: number;
  W: number;
  C: number;
  pool: [number, number];
  stride: [number, number];
  padding: 'valid' | 'same';
  /** Quantize inputs to 3 levels so that windows hold exact ties. */
  ties?: boolean;
}

const CASES: Case[] = [
  { kind: 'max', B: 1, H: 13, W: 9, C: 3, pool: [3, 3], stride: [2, 2], padding: 'same' },
  { kind: 'average', B: 3, H: 13, W: 9, C: 5, pool: [3, 3], stride: [2, 2], padding: 'same' },
  { kind: 'max', B: 3, H: 8, W: 7, C: 5, pool: [2, 2], stride: [1, 1], padding: 'valid', ties: true },
  { kind: 'average', B: 1, H: 8, W: 7, C: 3, pool: [2, 2], stride: [1, 1], padding: 'valid' },
  { kind: 'max', B: 5, H: 7, W: 7, C: 5, pool: [3, 3], stride: [3, 3], padding: 'valid' },
  { kind: 'average', B: 1, H: 7, W: 7, C: 3, pool: [3, 3], stride: [3, 3], padding: 'valid' },
  { kind: 'max', B: 5, H: 13, W: 9, C: 3, pool: [3, 3], stride: [2, 2], padding: 'same', ties: true },
  { kind: 'max', B: 3, H: 6, W: 11, C: 5, pool: [2, 3], stride: [1, 2], padding: 'same' },
  { kind: 'average', B: 3, H: 6, W: 11, C: 5, pool: [4, 3], stride: [1, 2], padding: 'same' },
];

function describeCase(c: Case): string {
  return `${c.kind} B=${c.B} ${c.H}x${c.W}x${c.C} pool ${c.pool.join('x')} stride ${c.stride.join('x')} ${c.padding}${c.ties ? ' ties' : ''}`;
}

describe('pool2d', () => {
  for (const c of CASES) {
    it(`forward + backward match the reference (${describeCase(c)})`, async () => {
      const { root, device } = await getGpu();
      const config: Pool2dConfig = {
        name: 'pool',
        kind: c.kind,
        batch: c.B,
        height: c.H,
        width: c.W,
        channels: c.C,
        poolHeight: c.pool[0],
        poolWidth: c.pool[1],
        strideHeight: c.stride[0],
        strideWidth: c.stride[1],
        padding: c.padding,
      };
      const shape = { B: c.B, H: c.H, W: c.W, C: c.C };
      const window = { ph: c.pool[0], pw: c.pool[1], sh: c.stride[0], sw: c.stride[1], padding: c.padding };
      const { outHeight, outWidth } = pool2dGeometry(config);
      const rng = new Rng(c.B * 1000 + c.H * 37 + c.C + c.pool[0]);
      const inN = c.B * c.H * c.W * c.C;
      const outN = c.B * outHeight * outWidth * c.C;
      const x = Float32Array.from({ length: inN }, () => (c.ties ? rng.nextInt(3) - 1 : rng.nextFloat() * 2 - 1));
      const dy = Float32Array.from({ length: outN }, () => rng.nextFloat() * 2 - 1);
      const ref = pool2dForward(Float64Array.from(x), shape, window, c.kind);
      expect(ref.y.length).toBe(outN);
      const dxRef = pool2dBackward(Float64Array.from(dy), ref, shape, window, c.kind);

      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x'); // (B, H, W, C)
        const output = createBufferWith(device, new Float32Array(outN).fill(123), 'y'); // (B, HO, WO, C)
        const output2 = createBufferWith(device, new Float32Array(outN).fill(456), 'y (inference)'); // (B, HO, WO, C)
        const outputGrad = createBufferWith(device, dy, 'dy'); // (B, HO, WO, C)
        // Prefilled with garbage: every dx element (uncovered cells included) must be written.
        const inputGrad = createBufferWith(device, new Float32Array(inN).fill(789), 'dx'); // (B, H, W, C)
        const pool = createPool2d({ root, device }, config, { input, output, outputGrad, inputGrad });
        const infer = createPool2d({ root, device }, { ...config, name: 'pool_inf', inferenceOnly: true }, { input, output: output2 });
        expect(pool.inference).toEqual(pool.forward);
        expect(infer.backward).toEqual([]);
        expect(infer.argmax).toBeUndefined();
        expect(pool.argmax === undefined).toBe(c.kind === 'average');
        runDispatches(device, [...pool.forward, ...pool.backward, ...infer.forward]);
        const y = await readF32(device, output, outN);
        const y2 = await readF32(device, output2, outN);
        const dx = await readF32(device, inputGrad, inN);
        const yDiff = compareToReference(y, ref.y, ATOL, RTOL);
        const dxDiff = compareToReference(dx, dxRef, ATOL, RTOL);
        let winMismatch = 0;
        if (pool.argmax) {
          const win = await readU32(device, pool.argmax, outN);
          for (let i = 0; i < outN; i++) if (win[i] !== ref.window[i]) winMismatch++;
        }
        console.log(
          `pool2d ${describeCase(c)} -> ${outHeight}x${outWidth}: y bad ${yDiff.bad} (max abs ${yDiff.maxAbs.toExponential(2)}), ` +
            `arg-max mismatches ${winMismatch}, dx bad ${dxDiff.bad} (max abs ${dxDiff.maxAbs.toExponential(2)})`,
        );
        expect(yDiff.bad).toBe(0);
        if (c.kind === 'max') expect(yDiff.maxAbs).toBe(0); // selection is exact
        expect(winMismatch).toBe(0);
        expect(dxDiff.bad).toBe(0);
        expect(Array.from(y2)).toEqual(Array.from(y));
        pool.destroy();
        infer.destroy();
        for (const b of [input, output, output2, outputGrad, inputGrad]) b.destroy();
      });
    });
  }

  it('2x2 stride 2 valid equals the seed reference exactly (B=3, 11x11x5, ties)', async () => {
    const { root, device } = await getGpu();
    const [B, H, W, C] = [3, 11, 11, 5];
    const rng = new Rng(2024);
    const inN = B * H * W * C;
    const outN = B * 5 * 5 * C;
    const x = Float32Array.from({ length: inN }, () => rng.nextInt(3));
    const dy = Float32Array.from({ length: outN }, () => rng.nextFloat() * 2 - 1);
    const seed = maxpool2x2Forward(Float64Array.from(x), B, H, W, C);
    const dxSeed = maxpool2x2Backward(Float64Array.from(dy), seed.argmax, B, H, W, C);
    await expectNoGpuErrors(device, async () => {
      const input = createBufferWith(device, x, 'x'); // (B, 11, 11, C)
      const output = createStorageBuffer(device, outN * 4, 'y'); // (B, 5, 5, C)
      const outputGrad = createBufferWith(device, dy, 'dy'); // (B, 5, 5, C)
      const inputGrad = createBufferWith(device, new Float32Array(inN).fill(789), 'dx'); // (B, 11, 11, C)
      const pool = createPool2d(
        { root, device },
        { name: 'pool', kind: 'max', batch: B, height: H, width: W, channels: C, poolHeight: 2, poolWidth: 2, strideHeight: 2, strideWidth: 2, padding: 'valid' },
        { input, output, outputGrad, inputGrad },
      );
      runDispatches(device, [...pool.forward, ...pool.backward]);
      expect(Array.from(await readF32(device, output, outN))).toEqual(Array.from(seed.y));
      expect(Array.from(await readU32(device, pool.argmax!, outN))).toEqual(Array.from(seed.window));
      expect(Array.from(await readF32(device, inputGrad, inN))).toEqual(Array.from(Float32Array.from(dxSeed)));
      pool.destroy();
      for (const b of [input, output, outputGrad, inputGrad]) b.destroy();
    });
  });

  it('bad configurations get clear errors', async () => {
    const { root, device } = await getGpu();
    const buf = createStorageBuffer(device, 64, 'unused');
    const base: Pool2dConfig = {
      name: 'p', kind: 'max', batch: 1, height: 4, width: 4, channels: 1,
      poolHeight: 2, poolWidth: 2, strideHeight: 2, strideWidth: 2, padding: 'valid',
    };
    const make = (over: Partial<Pool2dConfig>, grads = true) =>
      createPool2d({ root, device }, { ...base, ...over }, grads ? { input: buf, output: buf, outputGrad: buf, inputGrad: buf } : { input: buf, output: buf });
    expect(() => make({ poolHeight: 9 })).toThrow(/p: pool2d: pool height 9/);
    expect(() => make({ height: 1 })).toThrow(/smaller than the pool/);
    expect(() => make({ kind: 'min' as Pool2dKind })).toThrow(/kind must be/);
    expect(() => make({ channels: 0 })).toThrow(/bad channels/);
    expect(() => make({}, false)).toThrow(/outputGrad and inputGrad are required/);
    buf.destroy();
  });
});
