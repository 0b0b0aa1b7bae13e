// Fused kernels against the float64 reference and against the unfused GPU kernels:
// - pool_dropout_forward / pool_dropout_backward (src/layers/pool-dropout.ts): maxpool 2x2 +
//   dropout forward, and dropout backward + maxpool backward + the conv's ReLU mask, at the
//   model's shapes (26x26x32, 11x11x64 with its dropped row/column) at batch 1, 37, 128, and
//   awkward shapes (odd H and/or W, C = 12 and 4, exact ties, H or W = 2/3), rates 0, 0.25, 0.5;
//   the routing codes must agree exactly with dropout-rng.ts's mask and the reference arg-max.
// - dropout_relu_backward (src/layers/dropout-relu.ts): dropout backward + ReLU mask, and a
//   dense layer built with outputGradMasked fed by it gives bit-identical dW, db, dx to the
//   unfused dropout + dense (which masks inside its loops).
// Pooling and routing select values and dropout multiplies once by f32(1/(1-rate)), so the
// fused and unfused GPU paths must agree bit for bit; the f64 reference within RTOL below.
import { describe, expect, it } from 'vitest';
import { createPoolDropout } from '../../src/layers/pool-dropout.ts';
import { createDropoutRelu } from '../../src/layers/dropout-relu.ts';
import { createMaxPool } from '../../src/layers/maxpool.ts';
import { createDropout } from '../../src/layers/dropout.ts';
import { createDense } from '../../src/layers/dense.ts';
import { dropoutMask } from '../../src/layers/dropout-rng.ts';
import { createBufferWith, createStorageBuffer, readF32, readU32, writeBuffer } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { paramSpec, PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from '../reference/pool.ts';
import { dropoutBackward, dropoutForward } from '../reference/dropout.ts';
import { reluBackward } from '../reference/relu.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';

// float32 tolerance vs the f64 reference: |gpu - ref| <= ATOL + RTOL * |ref| (one multiply by
// f32(1/(1-rate)): two roundings of 2^-24 relative each).
const ATOL = 0;
const RTOL = 2.5e-7;
const GARBAGE = 123;

interface PoolCase {
  B: number;
  H: number;
  W: number;
  C: number;
  rate: number;
  /** Quantize inputs to a few levels (0 included) so windows hold exact ties. */
  ties?: boolean;
}

const POOL_CASES: PoolCase[] = [
  { B: 1, H: 26, W: 26, C: 32, rate: 0.25 },
  { B: 37, H: 26, W: 26, C: 32, rate: 0.25 },
  { B: 128, H: 26, W: 26, C: 32, rate: 0.25 },
  { B: 37, H: 26, W: 26, C: 32, rate: 0 },
  { B: 1, H: 11, W: 11, C: 64, rate: 0.25 },
  { B: 37, H: 11, W: 11, C: 64, rate: 0.25 },
  { B: 128, H: 11, W: 11, C: 64, rate: 0.25 },
  { B: 128, H: 11, W: 11, C: 64, rate: 0 },
  { B: 37, H: 11, W: 11, C: 64, rate: 0.5, ties: true },
  { B: 5, H: 7, W: 9, C: 12, rate: 0.5 },
  { B: 3, H: 9, W: 7, C: 4, rate: 0.5, ties: true },
  { B: 4, H: 2, W: 3, C: 8, rate: 0 },
  { B: 2, H: 3, W: 2, C: 4, rate: 0.25 },
];

function writeState(device: GPUDevice, state: GPUBuffer, step: number, seed: number): void {
  writeBuffer(device, state, Uint32Array.of(step, 0, seed, 0));
}

/** Counts elements outside |gpu - ref| <= ATOL + RTOL*|ref|; also max abs / rel differences. */
const compare = (gpu: ArrayLike<number>, ref: ArrayLike<number>) => compareToReference(gpu, ref, ATOL, RTOL);

/** Number of positions where the two float32 arrays differ bit for bit (+0 vs -0 counts). */
function bitMismatches(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) n++;
  return n;
}

describe('pool_dropout (fused maxpool 2x2 + dropout + conv ReLU mask)', () => {
  for (const { B, H, W, C, rate, ties } of POOL_CASES) {
    it(`matches the reference and the unfused kernels (B=${B}, ${H}x${W}x${C}, rate ${rate}${ties ? ', ties' : ''})`, async () => {
      const { root, device } = await getGpu();
      const ctx = { root, device };
      const rng = new Rng(11 * B + 100 * H + 7 * W + C);
      const HO = Math.floor(H / 2);
      const WO = Math.floor(W / 2);
      const inN = B * H * W * C;
      const outN = B * HO * WO * C;
      // Post-ReLU conv output: about half zeros, so some windows are all zero (no gradient).
      const x = Float32Array.from({ length: inN }, () => Math.max(0, ties ? rng.nextInt(4) - 1 : rng.nextFloat() * 2 - 1));
      const dy = Float32Array.from({ length: outN }, () => (rng.nextFloat() + 0.01) * (rng.nextInt(2) ? 1 : -1));
      const [seed, step, layerId] = [0x5eed ^ (B * 131 + H), 1 + (B % 4), 1 + (C % 3)];

      // Reference.
      const x64 = Float64Array.from(x);
      const pool = maxpool2x2Forward(x64, B, H, W, C);
      const mask = dropoutMask(seed, step, layerId, outN, rate);
      const outRef = dropoutForward(pool.y, mask, rate);
      const gRef = reluBackward(maxpool2x2Backward(dropoutBackward(Float64Array.from(dy), mask, rate), pool.argmax, B, H, W, C), x64);

      await expectNoGpuErrors(device, async () => {
        const state = createStorageBuffer(device, 16, 'state');
        writeState(device, state, step, seed);
        const input = createBufferWith(device, x, 'a');
        const outputGrad = createBufferWith(device, dy, 'dD');
        // Fused.
        const output = createBufferWith(device, new Float32Array(outN).fill(GARBAGE), 'd fused');
        const inputGrad = createBufferWith(device, new Float32Array(inN).fill(GARBAGE), 'g fused');
        const fused = createPoolDropout(ctx, { name: 'pd', batch: B, height: H, width: W, channels: C, rate, layerId }, { input, output, outputGrad, inputGrad, state });
        // Unfused: maxpool, dropout (none at rate 0), and the ReLU mask applied on the CPU.
        const p = createStorageBuffer(device, outN * 4, 'p');
        const d = rate > 0 ? createStorageBuffer(device, outN * 4, 'd') : p;
        const dP = rate > 0 ? createStorageBuffer(device, outN * 4, 'dP') : outputGrad;
        const dA = createStorageBuffer(device, inN * 4, 'dA');
        const mp = createMaxPool(ctx, { name: 'mp', batch: B, height: H, width: W, channels: C }, { input, output: p, outputGrad: dP, inputGrad: dA });
        const dr = createDropout(ctx, { name: 'dr', batch: B, count: HO * WO * C, rate, layerId }, { input: p, output: d, outputGrad, inputGrad: dP, state });
        // Inference-only twin (evaluation: pooling alone, no routing, no gradient buffers).
        const pooled = createBufferWith(device, new Float32Array(outN).fill(GARBAGE), 'p inference');
        const inf = createPoolDropout(ctx, { name: 'pd_inf', batch: B, height: H, width: W, channels: C, rate: 0, layerId: 0, inferenceOnly: true }, { input, output: pooled });
        expect(inf.backward).toEqual([]);
        expect(inf.inference).toEqual(inf.forward);
        expect(inf.route).toBeUndefined();
        runDispatches(device, [...fused.forward, ...fused.backward, ...mp.forward, ...dr.forward, ...dr.backward, ...mp.backward, ...inf.forward]);
        const pInf = await readF32(device, pooled, outN);
        const pUnfused = await readF32(device, p, outN);
        const infBits = bitMismatches(pInf, pUnfused);
        const infRef = compare(pInf, pool.y);
        console.log(`pool_dropout_inference B=${B} ${H}x${W}x${C}: bit mismatches vs maxpool_forward ${infBits}, max abs vs reference ${infRef.maxAbs}`);
        expect(infBits).toBe(0);
        expect(infRef.maxAbs).toBe(0);
        inf.destroy();
        pooled.destroy();

        const out = await readF32(device, output, outN);
        const g = await readF32(device, inputGrad, inN);
        const words = await readU32(device, fused.route!, outN / 4);
        const dUnfused = await readF32(device, d, outN);
        const dAUnfused = await readF32(device, dA, inN);
        const gUnfused = dAUnfused.map((v, i) => (x[i] > 0 ? v : 0));

        // Routing codes: window position exactly where dropout-rng keeps the element and the max > 0.
        let routeMismatch = 0;
        let kept = 0;
        for (let e = 0; e < outN; e++) {
          const code = (words[e >> 2] >>> (8 * (e & 3))) & 0xff;
          kept += mask[e];
          const want = mask[e] && pool.y[e] > 0 ? pool.window[e] : 4;
          if (code !== want) routeMismatch++;
          if (!mask[e] && out[e] !== 0) routeMismatch++;
        }
        const fwd = compare(out, outRef);
        const bwd = compare(g, gRef);
        const fwdBits = bitMismatches(out, dUnfused);
        const bwdBits = bitMismatches(g, gUnfused);
        console.log(
          `pool_dropout B=${B} ${H}x${W}x${C} rate=${rate}${ties ? ' ties' : ''}: kept ${(kept / outN).toFixed(3)}, route mismatches ${routeMismatch}, ` +
            `forward max abs ${fwd.maxAbs.toExponential(2)} rel ${fwd.maxRel.toExponential(2)}, backward max abs ${bwd.maxAbs.toExponential(2)} rel ${bwd.maxRel.toExponential(2)}, ` +
            `bit mismatches vs unfused: forward ${fwdBits}, backward ${bwdBits}`,
        );
        expect(routeMismatch).toBe(0);
        expect(fwd.bad).toBe(0);
        expect(bwd.bad).toBe(0);
        expect(fwdBits).toBe(0);
        expect(bwdBits).toBe(0);

        fused.destroy();
        mp.destroy();
        dr.destroy();
        for (const b of new Set([state, input, outputGrad, output, inputGrad, p, d, dP, dA])) b.destroy();
      });
    });
  }

  it('rejects channel counts that are not a multiple of 4', async () => {
    const { root, device } = await getGpu();
    const buf = createStorageBuffer(device, 64, 'b');
    expect(() =>
      createPoolDropout({ root, device }, { name: 'bad', batch: 1, height: 4, width: 4, channels: 3, rate: 0.5, layerId: 1 }, { input: buf, output: buf, outputGrad: buf, inputGrad: buf, state: buf }),
    ).toThrow(/multiple of 4/);
    buf.destroy();
  });
});

describe('dropout_relu_backward (dropout backward + ReLU mask)', () => {
  const CASES = [
    { B: 1, count: 128, rate: 0.5 },
    { B: 37, count: 128, rate: 0.5 },
    { B: 128, count: 128, rate: 0.5 },
    { B: 128, count: 128, rate: 0 },
    { B: 37, count: 1600, rate: 0.25 },
    { B: 3, count: 12, rate: 0.9 },
  ];
  for (const { B, count, rate } of CASES) {
    it(`matches the reference and the unfused dropout (B=${B}, count=${count}, rate ${rate})`, async () => {
      const { root, device } = await getGpu();
      const ctx = { root, device };
      const n = B * count;
      const rng = new Rng(B * 7 + count + Math.round(rate * 100));
      const h = Float32Array.from({ length: n }, () => Math.max(0, rng.nextFloat() * 2 - 1));
      const dy = Float32Array.from({ length: n }, () => (rng.nextFloat() + 0.01) * (rng.nextInt(2) ? 1 : -1));
      const [seed, step, layerId] = [991 + B, 2 + B, 3];
      const mask = dropoutMask(seed, step, layerId, n, rate);
      const dRef = dropoutForward(Float64Array.from(h), mask, rate);
      const gRef = reluBackward(dropoutBackward(Float64Array.from(dy), mask, rate), Float64Array.from(h));
      await expectNoGpuErrors(device, async () => {
        const state = createStorageBuffer(device, 16, 'state');
        writeState(device, state, step, seed);
        const input = createBufferWith(device, h, 'h');
        const outputGrad = createBufferWith(device, dy, 'dD3');
        const output = createBufferWith(device, new Float32Array(n).fill(GARBAGE), 'd3');
        const inputGrad = createBufferWith(device, new Float32Array(n).fill(GARBAGE), 'gH');
        const fused = createDropoutRelu(ctx, { name: 'dr', batch: B, count, rate, layerId }, { input, output, outputGrad, inputGrad, state });
        expect(fused.isIdentity).toBe(rate === 0);
        expect(fused.forward.length).toBe(rate === 0 ? 0 : 1);
        runDispatches(device, [...fused.forward, ...fused.backward]);
        const g = await readF32(device, inputGrad, n);
        const bwd = compare(g, gRef);
        let maskMismatch = 0;
        for (let e = 0; e < n; e++) if ((g[e] !== 0 ? 1 : 0) !== (mask[e] && h[e] > 0 ? 1 : 0)) maskMismatch++;
        let fwdBad = 0;
        if (rate > 0) fwdBad = compare(await readF32(device, output, n), dRef).bad;
        console.log(`dropout_relu B=${B} count=${count} rate=${rate}: mask mismatches ${maskMismatch}, backward max abs ${bwd.maxAbs.toExponential(2)} rel ${bwd.maxRel.toExponential(2)}`);
        expect(maskMismatch).toBe(0);
        expect(bwd.bad).toBe(0);
        expect(fwdBad).toBe(0);
        fused.destroy();
        for (const b of [state, input, outputGrad, output, inputGrad]) b.destroy();
      });
    });
  }

  for (const B of [37, 128]) {
    it(`dense with outputGradMasked + fused backward == dense + unfused dropout, bit for bit (B=${B}, 1600->128, rate 0.5)`, async () => {
      const { root, device } = await getGpu();
      const ctx = { root, device };
      const [IN, OUT, rate, layerId, seed, step] = [1600, 128, 0.5, 3, 4242, 7];
      const rng = new Rng(B + 5);
      const w = Float32Array.from({ length: PARAM_BUFFER_LENGTH }, () => (rng.nextFloat() * 2 - 1) * 0.05);
      const x = Float32Array.from({ length: B * IN }, () => Math.max(0, rng.nextFloat() * 2 - 1));
      const dD3 = Float32Array.from({ length: B * OUT }, () => rng.nextFloat() * 2 - 1);
      const wOff = paramSpec('dense/kernel').offset;
      const bOff = paramSpec('dense/bias').offset;
      await expectNoGpuErrors(device, async () => {
        const state = createStorageBuffer(device, 16, 'state');
        writeState(device, state, step, seed);
        const params = createBufferWith(device, w, 'params');
        const input = createBufferWith(device, x, 'x');
        const h = createStorageBuffer(device, B * OUT * 4, 'h');
        const d3 = createStorageBuffer(device, B * OUT * 4, 'd3');
        const outputGrad = createBufferWith(device, dD3, 'dD3');
        const [dH, gH] = [createStorageBuffer(device, B * OUT * 4, 'dH'), createStorageBuffer(device, B * OUT * 4, 'gH')];
        const [gradsA, gradsB] = [createStorageBuffer(device, PARAM_BUFFER_LENGTH * 4, 'grads A'), createStorageBuffer(device, PARAM_BUFFER_LENGTH * 4, 'grads B')];
        const [dxA, dxB] = [createStorageBuffer(device, B * IN * 4, 'dx A'), createStorageBuffer(device, B * IN * 4, 'dx B')];
        const dense = { name: 'dense', batch: B, inFeatures: IN, outFeatures: OUT, activation: 'relu' as const, useBias: true, weightOffset: wOff, biasOffset: bOff };
        const drop = { name: 'dropout_2', batch: B, count: OUT, rate, layerId };
        // Unfused: dropout backward writes dH, dense masks with (h > 0) in its loops.
        const denseA = createDense(ctx, dense, { input, output: h, params, grads: gradsA, outputGrad: dH, inputGrad: dxA });
        const dropA = createDropout(ctx, drop, { input: h, output: d3, outputGrad, inputGrad: dH, state });
        // Fused: dropout_relu_backward writes the masked gH, dense takes it as is.
        const denseB = createDense(ctx, { ...dense, outputGradMasked: true }, { input, output: h, params, grads: gradsB, outputGrad: gH, inputGrad: dxB });
        const dropB = createDropoutRelu(ctx, drop, { input: h, output: d3, outputGrad, inputGrad: gH, state });
        runDispatches(device, [...denseA.forward, ...dropA.forward, ...dropA.backward, ...denseA.backward, ...dropB.backward, ...denseB.backward]);
        const [ga, gb] = [await readF32(device, gradsA), await readF32(device, gradsB)];
        const [xa, xb] = [await readF32(device, dxA, B * IN), await readF32(device, dxB, B * IN)];
        const range = (a: Float32Array, off: number, len: number) => a.subarray(off, off + len);
        const dwBits = bitMismatches(range(ga, wOff, IN * OUT), range(gb, wOff, IN * OUT));
        const dbBits = bitMismatches(range(ga, bOff, OUT), range(gb, bOff, OUT));
        const dxBits = bitMismatches(xa, xb);
        let nonzero = 0;
        for (const v of range(ga, wOff, IN * OUT)) if (v !== 0) nonzero++;
        console.log(`dense fused dropout_2 B=${B}: bit mismatches dW ${dwBits}, db ${dbBits}, dx ${dxBits} (nonzero dW ${nonzero})`);
        expect(nonzero).toBeGreaterThan(0);
        expect(dwBits + dbBits + dxBits).toBe(0);
        for (const l of [denseA, dropA, denseB, dropB]) l.destroy();
        for (const b of [state, params, input, h, d3, outputGrad, dH, gH, gradsA, gradsB, dxA, dxB]) b.destroy();
      });
    });
  }
});
