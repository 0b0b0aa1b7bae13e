// batch_norm_* kernels (src/layers/batch-norm.ts) against the float64 reference
// (test/reference/batch-norm.ts): one training step (forward, which also moves the moving
// statistics in the parameter buffer, then backward) and then the inference forward with the
// moved statistics, at C = 3, 5, 16 and a (B, C) input; N odd and spanning several row chunks
// with a short last one, batch 1 (N = H*W), inputs far from zero mean, each of scale/center
// off, momentum 0.99 and 0.9. The gradient kernels must write dgamma / dbeta, exact zeros into
// the moving statistics' gradient slots and nothing else; the forward must change no parameter
// but the moving statistics. An inference-only layer builds the inference pass alone and gives
// the same output.
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_ROWS_PER_CHUNK, createBatchNorm, type BatchNormConfig } from '../../src/layers/batch-norm.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import {
  batchNormBackward,
  batchNormInferenceForward,
  batchNormMovingUpdate,
  batchNormTrainingForward,
} from '../reference/batch-norm.ts';
import { expectNoGpuErrors, getGpu } from './gpu-fixture.ts';
import { compareScaled } from './tolerance.ts';

// float32 tolerance per tensor: |gpu - ref| <= ATOL_SCALE * max|ref| + RTOL * |ref|.
const ATOL_SCALE = 2e-5;
const RTOL = 1e-4;
const SENTINEL = 12345;
const GARBAGE = -999;

interface Case {
  batch: number;
  rows: number;
  C: number;
  scale: boolean;
  center: boolean;
  momentum: number;
  /** Mean of the inputs (far from 0 tests the centred variance). */
  shift: number;
  inputGrad: boolean;
}

const CASES: Case[] = [
  { batch: 3, rows: 9 * 9, C: 3, scale: true, center: true, momentum: 0.99, shift: 0, inputGrad: true }, // N = 243: 2 chunks
  { batch: 1, rows: 5 * 7, C: 5, scale: true, center: false, momentum: 0.9, shift: 2, inputGrad: true }, // batch 1, N = 35
  { batch: 5, rows: 13 * 13, C: 16, scale: false, center: true, momentum: 0.99, shift: 50, inputGrad: true }, // N = 845: 7 chunks
  { batch: 37, rows: 1, C: 5, scale: false, center: false, momentum: 0.9, shift: -1, inputGrad: false }, // (B, C)
];

/** The layer's four tensors at offsets that are multiples of 4, with gaps of garbage between. */
function layoutOf(C: number) {
  const stride = Math.ceil(C / 4) * 4 + 4;
  return { gamma: 4, beta: 4 + stride, movingMean: 4 + 2 * stride, movingVariance: 4 + 3 * stride, length: 4 + 4 * stride + 4 };
}

const compare = (name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>) => compareScaled(name, gpu, ref, ATOL_SCALE, RTOL);

const slice = (a: Float32Array, offset: number, n: number) => Float64Array.from(a.subarray(offset, offset + n));

describe('batch norm', () => {
  for (const c of CASES) {
    const { batch, rows, C, scale, center, momentum, shift, inputGrad: withDx } = c;
    const N = batch * rows;
    const label = `B=${batch}, rows=${rows}, C=${C}, N=${N} (${Math.ceil(N / BATCH_NORM_ROWS_PER_CHUNK)} chunks)${scale ? '' : ', no scale'}${center ? '' : ', no center'}${withDx ? '' : ', no dx'}`;
    it(`training step and inference match the reference (${label})`, async () => {
      const { root, device } = await getGpu();
      const rng = new Rng(N * 31 + C);
      const at = layoutOf(C);
      const flat = new Float32Array(at.length).fill(GARBAGE);
      const fill = (offset: number, f: () => number) => {
        for (let i = 0; i < C; i++) flat[offset + i] = f();
      };
      if (scale) fill(at.gamma, () => 0.5 + rng.nextFloat());
      if (center) fill(at.beta, () => rng.nextFloat() * 2 - 1);
      fill(at.movingMean, () => rng.nextFloat() * 2 - 1);
      fill(at.movingVariance, () => 0.5 + rng.nextFloat());
      // Each channel its own spread, around `shift`.
      const spread = Float32Array.from({ length: C }, (_, i) => 0.5 + i / C);
      const x = Float32Array.from({ length: N * C }, (_, i) => shift + spread[i % C] * (rng.nextFloat() * 2 - 1));
      const dy = Float32Array.from({ length: N * C }, () => rng.nextFloat() * 2 - 1);
      const config: BatchNormConfig = {
        name: 'batch_normalization', batch, rows, channels: C, momentum, epsilon: 1e-3, center, scale,
        gammaOffset: scale ? at.gamma : undefined, betaOffset: center ? at.beta : undefined,
        movingMeanOffset: at.movingMean, movingVarianceOffset: at.movingVariance,
      };

      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x');
        const output = createStorageBuffer(device, N * C * 4, 'y');
        const params = createBufferWith(device, flat, 'params');
        const grads = createBufferWith(device, new Float32Array(at.length).fill(SENTINEL), 'grads');
        const outputGrad = createBufferWith(device, dy, 'dy');
        const inputGrad = withDx ? createBufferWith(device, new Float32Array(N * C).fill(SENTINEL), 'dx') : undefined;
        const bn = createBatchNorm({ root, device }, config, { input, output, params, grads, outputGrad, inputGrad });
        expect(bn.forward.length).toBe(3);
        expect(bn.backward.length).toBe(withDx ? 3 : 2);
        runDispatches(device, [...bn.forward, ...bn.backward]);
        const y = await readF32(device, output, N * C);
        const p = await readF32(device, params, at.length);
        const g = await readF32(device, grads, at.length);
        const dx = inputGrad ? await readF32(device, inputGrad, N * C) : undefined;
        runDispatches(device, bn.inference);
        const yInf = await readF32(device, output, N * C);

        const x64 = Float64Array.from(x);
        const weights = { gamma: scale ? slice(flat, at.gamma, C) : null, beta: center ? slice(flat, at.beta, C) : null };
        const ref = batchNormTrainingForward(x64, N, C, weights, 1e-3);
        const mmRef = batchNormMovingUpdate(slice(flat, at.movingMean, C), ref.mean, momentum);
        const mvRef = batchNormMovingUpdate(slice(flat, at.movingVariance, C), ref.variance, momentum);
        const back = batchNormBackward(Float64Array.from(dy), x64, N, C, weights.gamma, 1e-3);
        // Inference with the moving statistics as the GPU left them (their own error is checked above).
        const yInfRef = batchNormInferenceForward(x64, N, C, weights, slice(p, at.movingMean, C), slice(p, at.movingVariance, C), 1e-3);

        const results = [
          compare('y', y, ref.y),
          compare('moving_mean', p.subarray(at.movingMean, at.movingMean + C), mmRef),
          compare('moving_variance', p.subarray(at.movingVariance, at.movingVariance + C), mvRef),
          compare('y (inference)', yInf, yInfRef),
        ];
        if (scale) results.push(compare('dgamma', g.subarray(at.gamma, at.gamma + C), back.dgamma));
        if (center) results.push(compare('dbeta', g.subarray(at.beta, at.beta + C), back.dbeta));
        if (dx) results.push(compare('dx', dx, back.dx));
        // The moving statistics really moved (not a no-op that the tolerance would hide).
        let moved = 0;
        for (let i = 0; i < C; i++) if (p[at.movingVariance + i] !== flat[at.movingVariance + i]) moved++;

        const inSlot = (i: number, offset: number) => i >= offset && i < offset + C;
        let gradsOutside = 0;
        let movingGradNonZero = 0;
        let paramsChanged = 0;
        for (let i = 0; i < at.length; i++) {
          const moving = inSlot(i, at.movingMean) || inSlot(i, at.movingVariance);
          const trained = (scale && inSlot(i, at.gamma)) || (center && inSlot(i, at.beta));
          if (moving && !Object.is(g[i], 0)) movingGradNonZero++;
          if (!moving && !trained && g[i] !== SENTINEL) gradsOutside++;
          if (!moving && !Object.is(p[i], flat[i])) paramsChanged++;
        }
        console.log(
          `batch norm ${label}: ${results.map((r) => r.line).join('; ')}; moving variances moved ${moved}/${C}; ` +
            `moving grads not +0 ${movingGradNonZero}; grads written outside ${gradsOutside}; other params changed ${paramsChanged}`,
        );
        for (const r of results) expect(r.bad).toBe(0);
        expect(moved).toBe(C);
        expect(movingGradNonZero).toBe(0);
        expect(gradsOutside).toBe(0);
        expect(paramsChanged).toBe(0);

        // An inference-only layer: the inference pass alone, no scratch for the backward, same output.
        const yOnly = createBufferWith(device, new Float32Array(N * C).fill(NaN), 'y (inference-only)');
        const only = createBatchNorm({ root, device }, { ...config, inferenceOnly: true }, { input, output: yOnly, params });
        expect(only.backward).toEqual([]);
        expect(only.forward).toEqual(only.inference);
        runDispatches(device, only.inference);
        const yOnlyRead = await readF32(device, yOnly, N * C);
        let differ = 0;
        for (let i = 0; i < N * C; i++) if (!(yOnlyRead[i] === yInf[i])) differ++;
        expect(differ).toBe(0);
        const pAfter = await readF32(device, params, at.length);
        expect(Array.from(pAfter)).toEqual(Array.from(p)); // inference changes no parameter

        bn.destroy();
        only.destroy();
        for (const b of [input, output, params, grads, outputGrad, inputGrad, yOnly]) b?.destroy();
      });
    });
  }

  it('refuses bad configs with clear errors', async () => {
    const { root, device } = await getGpu();
    const buf = createStorageBuffer(device, 96, 'x and y'); // (2 * 3, 4) f32
    const params = createStorageBuffer(device, 64, 'params'); // the 4 tensors of 4 floats
    const base: BatchNormConfig = {
      name: 'bn', batch: 2, rows: 3, channels: 4, momentum: 0.99, epsilon: 1e-3, center: true, scale: true,
      gammaOffset: 0, betaOffset: 4, movingMeanOffset: 8, movingVarianceOffset: 12, inferenceOnly: true,
    };
    const bufs = { input: buf, output: buf, params };
    const make = (patch: Partial<BatchNormConfig>, b: Parameters<typeof createBatchNorm>[2] = bufs) =>
      () => createBatchNorm({ root, device }, { ...base, ...patch }, b);
    expect(make({ channels: 0 })).toThrow(/bn: bad channels 0/);
    expect(make({ rows: 1.5 })).toThrow(/bad rows/);
    expect(make({ momentum: 1.5 })).toThrow(/momentum/);
    expect(make({ epsilon: 0 })).toThrow(/epsilon/);
    expect(make({ gammaOffset: undefined })).toThrow(/scale needs a gammaOffset/);
    expect(make({ betaOffset: undefined })).toThrow(/center needs a betaOffset/);
    expect(make({ movingVarianceOffset: -4 })).toThrow(/bad MOVING_VARIANCE_OFFSET/);
    expect(make({ inferenceOnly: false })).toThrow(/grads and outputGrad are required/);
    expect(make({ rows: 4 })).toThrow(/input holds 96 bytes, needs 128/);
    expect(make({ movingVarianceOffset: 13 })).toThrow(/params holds 16 floats, the layer's tensors reach 17/);
    make({})().destroy(); // the base config itself is fine
    buf.destroy();
    params.destroy();
  });
});
