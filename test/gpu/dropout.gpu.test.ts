// dropout_mask (forward and backward): the GPU's mask equals dropout-rng.ts's mask exactly
// (same hash of seed, step, layerId, element), values match the float64 reference
// (test/reference/dropout.ts), the kept fraction is within a binomial tolerance of
// 1 - rate, the backward regenerates the forward's mask, masks change with step and layer,
// and rate 0 is the identity (no dispatches). A case past 65,535 * 256 elements checks the 2-D
// dispatch grid exactly.
import { describe, expect, it } from 'vitest';
import { createDropout, DROPOUT_WORKGROUP_SIZE } from '../../src/layers/dropout.ts';
import { dropoutHash, dropoutKey, dropoutMask, dropoutThreshold } from '../../src/layers/dropout-rng.ts';
import { createBufferWith, createStorageBuffer, readF32, writeBuffer } from '../../src/gpu/buffers.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { dropoutBackward, dropoutForward } from '../reference/dropout.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';

// float32 tolerance: |gpu - ref| <= ATOL + RTOL * |ref| (one multiply by f32(1/(1-rate))).
const ATOL = 0;
const RTOL = 2e-7;

const CASES = [
  { B: 1, count: 13 * 13 * 32, rate: 0.25 },
  { B: 37, count: 13 * 13 * 32, rate: 0.25 },
  { B: 128, count: 13 * 13 * 32, rate: 0.25 },
  { B: 128, count: 1600, rate: 0.25 },
  { B: 37, count: 128, rate: 0.5 },
  { B: 128, count: 128, rate: 0.5 },
  { B: 3, count: 37, rate: 0.1 },
  { B: 5, count: 333, rate: 0.9 },
];

/** Writes StepState {step, batch, seed, pad}. */
function writeState(device: GPUDevice, state: GPUBuffer, step: number, seed: number): void {
  writeBuffer(device, state, Uint32Array.of(step, 0, seed, 0));
}

describe('dropout', () => {
  it('dropout-rng: threshold and the twin hash are sane', () => {
    expect(dropoutThreshold(0)).toBe(0);
    expect(dropoutThreshold(0.5)).toBe(2 ** 31);
    expect(() => dropoutThreshold(1)).toThrow();
    const a = dropoutMask(1, 1, 1, 10000, 0.5);
    const b = dropoutMask(1, 2, 1, 10000, 0.5);
    const c = dropoutMask(1, 1, 2, 10000, 0.5);
    const d = dropoutMask(2, 1, 1, 10000, 0.5);
    for (const other of [b, c, d]) {
      let same = 0;
      for (let i = 0; i < a.length; i++) if (a[i] === other[i]) same++;
      // independent masks at rate 0.5 agree on ~half the elements
      expect(Math.abs(same / a.length - 0.5)).toBeLessThan(0.03);
    }
  });

  for (const { B, count, rate } of CASES) {
    it(`mask, forward, backward (B=${B}, count=${count}, rate=${rate})`, async () => {
      const { root, device } = await getGpu();
      const n = B * count;
      const rng = new Rng(B * 1000 + count);
      // Nonzero inputs, so that y == 0 exactly where the mask drops.
      const x = Float32Array.from({ length: n }, () => (rng.nextFloat() + 0.01) * (rng.nextInt(2) ? 1 : -1));
      const dy = Float32Array.from({ length: n }, () => (rng.nextFloat() + 0.01) * (rng.nextInt(2) ? 1 : -1));
      const seed = 0xdeadbeef ^ (B * 31 + count);
      const layerId = 2;
      await expectNoGpuErrors(device, async () => {
        const state = createStorageBuffer(device, 16, 'state');
        const input = createBufferWith(device, x, 'x');
        const output = createStorageBuffer(device, n * 4, 'y');
        const outputGrad = createBufferWith(device, dy, 'dy');
        const inputGrad = createStorageBuffer(device, n * 4, 'dx');
        const drop = createDropout(
          { root, device },
          { name: 'drop', batch: B, count, rate, layerId },
          { input, output, outputGrad, inputGrad, state },
        );
        expect(drop.isIdentity).toBe(false);
        for (const step of [1, 2]) {
          writeState(device, state, step, seed);
          runDispatches(device, [...drop.forward, ...drop.backward]);
          const y = await readF32(device, output, n);
          const dx = await readF32(device, inputGrad, n);
          const mask = dropoutMask(seed, step, layerId, n, rate);
          let maskMismatch = 0;
          let kept = 0;
          for (let i = 0; i < n; i++) {
            kept += mask[i];
            if ((y[i] !== 0 ? 1 : 0) !== mask[i]) maskMismatch++;
            if ((dx[i] !== 0 ? 1 : 0) !== mask[i]) maskMismatch++;
          }
          const yRef = dropoutForward(Float64Array.from(x), mask, rate);
          const dxRef = dropoutBackward(Float64Array.from(dy), mask, rate);
          const diffs = [compareToReference(y, yRef, ATOL, RTOL), compareToReference(dx, dxRef, ATOL, RTOL)];
          const maxAbs = Math.max(...diffs.map((d) => d.maxAbs));
          const maxRel = Math.max(...diffs.map((d) => d.maxRel));
          const bad = diffs[0].bad + diffs[1].bad;
          // Kept fraction: binomial(n, 1 - rate) within 5 standard deviations (+1 element).
          const frac = kept / n;
          const tol = 5 * Math.sqrt((rate * (1 - rate)) / n) + 1 / n;
          console.log(
            `dropout B=${B} count=${count} rate=${rate} step=${step}: mask mismatches ${maskMismatch}, ` +
              `kept ${frac.toFixed(4)} (expect ${1 - rate} +- ${tol.toFixed(4)}), max abs ${maxAbs.toExponential(2)}, max rel ${maxRel.toExponential(2)}`,
          );
          expect(maskMismatch).toBe(0);
          expect(bad).toBe(0);
          expect(Math.abs(frac - (1 - rate))).toBeLessThanOrEqual(tol);
        }
        drop.destroy();
        for (const b of [state, input, output, outputGrad, inputGrad]) b.destroy();
      });
    });
  }

  it('rate 0 is the identity: no dispatches', async () => {
    const { root, device } = await getGpu();
    const buf = createStorageBuffer(device, 64, 'b');
    const drop = createDropout(
      { root, device },
      { name: 'drop0', batch: 4, count: 4, rate: 0, layerId: 1 },
      { input: buf, output: buf, outputGrad: buf, inputGrad: buf, state: buf },
    );
    expect(drop.isIdentity).toBe(true);
    expect(drop.forward).toEqual([]);
    expect(drop.backward).toEqual([]);
    drop.destroy();
    buf.destroy();
  });

  it('more than 65,535 workgroups (2-D grid): exact mask and values over all 16.8M elements', async () => {
    const { root, device } = await getGpu();
    const [B, count, rate] = [4, 4_200_000, 0.5]; // SCALE = 2: products are exact
    const n = B * count;
    const groups = Math.ceil(n / DROPOUT_WORKGROUP_SIZE);
    expect(groups).toBeGreaterThan(MAX_WORKGROUPS_PER_DIMENSION);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i % 1000) + 1; // nonzero, exact
    const [seed, step, layerId] = [77, 3, 5];
    await expectNoGpuErrors(device, async () => {
      const state = createStorageBuffer(device, 16, 'state');
      const input = createBufferWith(device, x, 'x');
      const output = createStorageBuffer(device, n * 4, 'y');
      const inputGrad = createStorageBuffer(device, n * 4, 'dx');
      // The backward reads x as its output gradient, so dx must equal y.
      const drop = createDropout(
        { root, device },
        { name: 'drop_big', batch: B, count, rate, layerId },
        { input, output, outputGrad: input, inputGrad, state },
      );
      const [gx, gy] = drop.forward[0].workgroups;
      expect(gy).toBeGreaterThan(1);
      expect(drop.backward[0].workgroups).toEqual(drop.forward[0].workgroups);
      writeState(device, state, step, seed);
      runDispatches(device, [...drop.forward, ...drop.backward]);
      const y = await readF32(device, output, n);
      const dx = await readF32(device, inputGrad, n);
      const key = dropoutKey(seed, step, layerId);
      const threshold = dropoutThreshold(rate);
      let bad = 0;
      let kept = 0;
      for (let e = 0; e < n; e++) {
        const keep = dropoutHash(key, e) >= threshold;
        const want = keep ? x[e] * 2 : 0;
        kept += keep ? 1 : 0;
        if (y[e] !== want || dx[e] !== want) bad++;
      }
      console.log(`dropout n=${n}: grid ${gx}x${gy} (${groups} groups), mismatches ${bad}, kept ${(kept / n).toFixed(4)}`);
      expect(bad).toBe(0);
      drop.destroy();
      for (const b of [state, input, output, inputGrad]) b.destroy();
    });
  });
});
