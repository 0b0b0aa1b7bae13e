// adam / sgd against the float64 reference (test/reference/optim.ts): three consecutive steps
// (Adam's t = 1, 2, 3 from step_begin in the same submit), fresh random gradients each step,
// on a 1001-element vector padded to 1004 and on the full flat parameter buffer.
import { describe, expect, it } from 'vitest';
import { createOptimizer } from '../../src/layers/optimizer.ts';
import { createStepBegin, createStepState, readStepState, writeStepState } from '../../src/layers/step-state.ts';
import { createBufferWith, createStorageBuffer, readF32, writeBuffer } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { PARAM_BUFFER_LENGTH, PARAM_COUNT } from '../model/seed-params.ts';
import { adamStep, sgdMomentumStep } from '../reference/optim.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { compareToReference } from '../../src/gpu/tolerance.ts';

// float32 tolerances: |gpu - ref| <= ATOL + RTOL * |ref| (params ~0.1, updates ~1e-3)
const W_ATOL = 1e-7;
const W_RTOL = 1e-6;
// Moments may cancel towards zero, so their absolute tolerance follows the size of the terms
// (step-2 gradients reach 5: (1-beta1)*g ~ 0.5, ulp 6e-8; (1-beta2)*g^2 ~ 0.025, ulp 2e-9).
const M_ATOL = 2e-7;
const V_ATOL = 1e-8;
const MOMENT_RTOL = 1e-5;

function randomVector(rng: Rng, n: number, real: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < real; i++) {
    const r = rng.nextFloat();
    // a few exact zeros and tiny values among ordinary ones
    out[i] = i % 97 === 0 ? 0 : i % 89 === 0 ? (r - 0.5) * 1e-6 : (r * 2 - 1) * scale;
  }
  return out;
}

describe('optimizers', () => {
  for (const [length, real] of [
    [1004, 1001],
    [PARAM_BUFFER_LENGTH, PARAM_COUNT],
  ] as const) {
    it(`adam: 3 steps, t from step_begin, lr change before step 3 (length ${length}, ${real} real)`, async () => {
      const gpu = await getGpu();
      const { device } = gpu;
      const rng = new Rng(length);
      const w0 = randomVector(rng, length, real, 0.1);
      // GPU work inside the error scopes; the comparisons after them (so a shader error shows as such)
      const result = await expectNoGpuErrors(device, async () => {
        const params = createBufferWith(device, w0, 'params');
        const grads = createStorageBuffer(device, length * 4, 'grads');
        const m = createStorageBuffer(device, length * 4, 'm'); // new buffers are zeroed
        const v = createStorageBuffer(device, length * 4, 'v');
        const state = createStepState(device, 3);
        const opt = createOptimizer(gpu, { kind: 'adam', length, lr: 0.001 }, { params, grads, m, v, state });
        const begin = createStepBegin(gpu, state);

        const w = Float64Array.from(w0);
        const m64 = new Float64Array(length);
        const v64 = new Float64Array(length);
        for (let t = 1; t <= 3; t++) {
          const g = randomVector(rng, length, real, t === 2 ? 5 : 0.5);
          writeBuffer(device, grads, g);
          const lr = t === 3 ? 0.0005 : 0.001;
          if (t === 3) opt.setLearningRate(lr);
          runDispatches(device, [begin, opt.dispatch]);
          // the GPU holds the hyperparameters as float32: the reference gets the same values
          const f = Math.fround;
          adamStep(w, Float64Array.from(g), m64, v64, t, { lr: f(lr), beta1: f(0.9), beta2: f(0.999), eps: f(1e-7) });
        }
        const wg = await readF32(device, params, length);
        const mg = await readF32(device, m, length);
        const vg = await readF32(device, v, length);
        const step = (await readStepState(device, state)).step;
        opt.destroy();
        for (const b of [params, grads, m, v, state]) b.destroy();
        return { wg, mg, vg, w, m64, v64, step };
      });
      {
        const { wg, mg, vg, w, m64, v64, step } = result;
        const dw = compareToReference(wg, w, W_ATOL, W_RTOL);
        const dm = compareToReference(mg, m64, M_ATOL, MOMENT_RTOL);
        const dv = compareToReference(vg, v64, V_ATOL, MOMENT_RTOL);
        let moved = 0;
        for (let i = 0; i < real; i++) moved = Math.max(moved, Math.abs(w[i] - w0[i]));
        console.log(
          `adam length ${length}: max abs diff w ${dw.maxAbs.toExponential(2)} m ${dm.maxAbs.toExponential(2)} ` +
            `v ${dv.maxAbs.toExponential(2)} (largest weight change ${moved.toExponential(2)}); out of tolerance w ${dw.bad} m ${dm.bad} v ${dv.bad}`,
        );
        expect(dw.bad).toBe(0);
        expect(dm.bad).toBe(0);
        expect(dv.bad).toBe(0);
        for (let i = real; i < length; i++) expect([wg[i], mg[i], vg[i]]).toEqual([0, 0, 0]);
        expect(step).toBe(3);
      }
    });
  }

  it("adam at t = 1: the update itself equals the reference's to 1e-5 relative (bias correction's small-t branch)", async () => {
    // From zero weights the first update is all there is: lr_t * m / (sqrt(v) + eps) with
    // lr_t = lr * sqrt(1 - 0.999) / (1 - 0.9). A bias correction that loses digits at t = 1
    // (1 - beta^t by pow, without its series) is off by ~4e-5 of the update: far inside the
    // absolute weight tolerance above, but not this one.
    const gpu = await getGpu();
    const { device } = gpu;
    const length = 1004;
    const rng = new Rng(11);
    const g = randomVector(rng, length, length, 0.5);
    const wg = await expectNoGpuErrors(device, async () => {
      const params = createStorageBuffer(device, length * 4, 'params'); // zeros
      const grads = createBufferWith(device, g, 'grads');
      const m = createStorageBuffer(device, length * 4, 'm');
      const v = createStorageBuffer(device, length * 4, 'v');
      const state = createStepState(device, 3);
      const opt = createOptimizer(gpu, { kind: 'adam', length, lr: 0.001 }, { params, grads, m, v, state });
      runDispatches(device, [createStepBegin(gpu, state), opt.dispatch]);
      const out = await readF32(device, params, length);
      opt.destroy();
      for (const b of [params, grads, m, v, state]) b.destroy();
      return out;
    });
    const f = Math.fround;
    const w = new Float64Array(length);
    adamStep(w, Float64Array.from(g), new Float64Array(length), new Float64Array(length), 1, { lr: f(0.001), beta1: f(0.9), beta2: f(0.999), eps: f(1e-7) });
    let worst = 0;
    for (let i = 0; i < length; i++) if (w[i] !== 0) worst = Math.max(worst, Math.abs(wg[i] - w[i]) / Math.abs(w[i]));
    console.log(`adam t = 1: worst relative error of the update ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
  });

  it('adam: bias correction at t = 4, 5, 499, 500, 5000 (both branches of 1 - beta^t)', async () => {
    const gpu = await getGpu();
    const { device } = gpu;
    const length = 1004;
    const real = 1001;
    const f = Math.fround;
    const rng = new Rng(4242);
    const report: string[] = [];
    let bad = 0;
    await expectNoGpuErrors(device, async () => {
      const params = createStorageBuffer(device, length * 4, 'params');
      const grads = createStorageBuffer(device, length * 4, 'grads');
      const m = createStorageBuffer(device, length * 4, 'm');
      const v = createStorageBuffer(device, length * 4, 'v');
      const state = createStepState(device, 3);
      const opt = createOptimizer(gpu, { kind: 'adam', length, lr: 0.001 }, { params, grads, m, v, state });
      const begin = createStepBegin(gpu, state);
      for (const t of [4, 5, 499, 500, 5000]) {
        // a mid-run state: nonzero moments, then one step at t
        const w0 = randomVector(rng, length, real, 0.1);
        const g = randomVector(rng, length, real, 0.5);
        const m0 = randomVector(rng, length, real, 0.05);
        const v0 = randomVector(rng, length, real, 1).map((x) => x * x * 0.01);
        for (const [b, a] of [[params, w0], [grads, g], [m, m0], [v, v0]] as const) writeBuffer(device, b, a);
        writeStepState(device, state, { step: t - 1, batch: 0, seed: 3 });
        runDispatches(device, [begin, opt.dispatch]);
        const w = Float64Array.from(w0);
        adamStep(w, Float64Array.from(g), Float64Array.from(m0), Float64Array.from(v0), t, {
          lr: f(0.001),
          beta1: f(0.9),
          beta2: f(0.999),
          eps: f(1e-7),
        });
        const dw = compareToReference(await readF32(device, params, length), w, W_ATOL, W_RTOL);
        report.push(`t=${t}: ${dw.maxAbs.toExponential(2)}`);
        bad += dw.bad;
      }
      opt.destroy();
      for (const b of [params, grads, m, v, state]) b.destroy();
    });
    console.log(`adam max abs diff of w after one step at ${report.join(', ')}`);
    expect(bad).toBe(0);
  });

  for (const momentum of [0.9, 0]) {
    it(`sgd: 3 steps with momentum ${momentum} (length 1004)`, async () => {
      const gpu = await getGpu();
      const { device } = gpu;
      const length = 1004;
      const real = 1001;
      const rng = new Rng(77);
      const w0 = randomVector(rng, length, real, 0.1);
      await expectNoGpuErrors(device, async () => {
        const params = createBufferWith(device, w0, 'params');
        const grads = createStorageBuffer(device, length * 4, 'grads');
        const velocity = createStorageBuffer(device, length * 4, 'velocity');
        const state = createStepState(device, 3);
        const opt = createOptimizer(gpu, { kind: 'sgd', length, lr: 0.01, momentum }, { params, grads, m: velocity, state });
        const w = Float64Array.from(w0);
        const vel = new Float64Array(length);
        for (let t = 1; t <= 3; t++) {
          const g = randomVector(rng, length, real, 1);
          writeBuffer(device, grads, g);
          const lr = t === 3 ? 0.02 : 0.01;
          if (t === 3) opt.setLearningRate(lr);
          runDispatches(device, [opt.dispatch]);
          sgdMomentumStep(w, Float64Array.from(g), vel, { lr: Math.fround(lr), momentum: Math.fround(momentum) });
        }
        const wg = await readF32(device, params, length);
        const vg = await readF32(device, velocity, length);
        const dw = compareToReference(wg, w, W_ATOL, W_RTOL);
        const dvel = compareToReference(vg, vel, V_ATOL, MOMENT_RTOL);
        console.log(
          `sgd momentum ${momentum}: max abs diff w ${dw.maxAbs.toExponential(2)} velocity ${dvel.maxAbs.toExponential(2)}`,
        );
        expect(dw.bad).toBe(0);
        expect(dvel.bad).toBe(0);
        for (let i = real; i < length; i++) expect([wg[i], vg[i]]).toEqual([0, 0]);
        opt.destroy();
        for (const b of [params, grads, velocity, state]) b.destroy();
      });
    });
  }

  it('refuses a length that is not a multiple of 4', async () => {
    const gpu = await getGpu();
    const b = createStorageBuffer(gpu.device, 1004 * 4, 'x');
    expect(() => createOptimizer(gpu, { kind: 'adam', length: 1001, lr: 1e-3 }, { params: b, grads: b, m: b, v: b, state: b })).toThrow(
      /multiple of 4/,
    );
    b.destroy();
  });
});
