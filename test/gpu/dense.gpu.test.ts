// dense_forward / dense_backward_input / dense_backward_weights against the float64
// reference (test/reference/dense.ts), for every registered kernel (DENSE_KERNELS) on
// every shape it supports: the model's layers (1600->128 ReLU, 128->10) at batch 1, 5, 37,
// 128, 129, awkward odd shapes (37->13, with and without ReLU, unaligned offsets: 'tile4x4'
// only), shapes aligned to 4 but not to the 16x16 block (44->20, offsets 8 / 892) at batch 1,
// 5, 37, and first-layer variants without an input gradient; every activation (linear, relu,
// sigmoid, tanh) with and without a bias at 37->6, batch 5 ('tile4x4'), and tanh without a bias
// at 44->20 (both variants). A layer without a bias must neither read b (its slot holds garbage)
// nor write db. Gradient kernels must write exactly their slices of the flat grads buffer and
// nothing else. An inference-only layer (no gradient buffers) builds no backward and gives the
// same forward.
import { describe, expect, it } from 'vitest';
import { createDense, DENSE_GEMM_KERNELS, DENSE_KERNELS, type DenseConfig } from '../../src/layers/dense.ts';
import { fixedChoice, layerChooser, type KernelPass } from '../../src/gpu/kernel-registry.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { Rng } from '../../src/model/rng.ts';
import { paramSpec, PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { ELEMENTWISE_ACTIVATIONS, type ElementwiseActivation } from '../../src/model/activations.ts';
import { denseActivationBackward, denseActivationForward } from '../reference/dense.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { compareScaled } from './tolerance.ts';

// float32 tolerance per tensor: |gpu - ref| <= ATOL_SCALE * max|ref| + RTOL * |ref|
// (dot products of up to 1600 float32 terms; max|ref| sets the scale of rounding errors).
const ATOL_SCALE = 5e-6;
const RTOL = 1e-5;
const SENTINEL = 12345;

interface Case {
  B: number;
  IN: number;
  OUT: number;
  act: ElementwiseActivation;
  useBias: boolean;
  wOff: number;
  bOff: number;
  flatLength: number;
  inputGrad: boolean;
}

const model = (B: number, layer: 'dense' | 'dense_1'): Case => ({
  B,
  IN: layer === 'dense' ? 1600 : 128,
  OUT: layer === 'dense' ? 128 : 10,
  act: layer === 'dense' ? 'relu' : 'linear',
  useBias: true,
  wOff: paramSpec(`${layer}/kernel`).offset,
  bOff: paramSpec(`${layer}/bias`).offset,
  flatLength: PARAM_BUFFER_LENGTH,
  inputGrad: true,
});
const odd = (B: number, relu: boolean, inputGrad = true): Case => ({
  B,
  IN: 37,
  OUT: 13,
  act: relu ? 'relu' : 'linear',
  useBias: true,
  wOff: 3,
  bOff: 3 + 37 * 13 + 2,
  flatLength: 3 + 37 * 13 + 2 + 13 + 5,
  inputGrad,
});

// Multiples of 4 (the vec4 kernels apply) but not of 16: partial 16x16 blocks in every dimension.
const aligned = (B: number, relu: boolean, inputGrad = true, act: ElementwiseActivation = relu ? 'relu' : 'linear', useBias = true): Case => ({
  B,
  IN: 44,
  OUT: 20,
  act,
  useBias,
  wOff: 8,
  bOff: 8 + 44 * 20 + 4,
  flatLength: 8 + 44 * 20 + 4 + 20 + 8,
  inputGrad,
});

// Awkward shape (nothing a multiple of 4) for the activations and use_bias: false.
const awkward = (act: ElementwiseActivation, useBias: boolean): Case => ({
  B: 5,
  IN: 37,
  OUT: 6,
  act,
  useBias,
  wOff: 5,
  bOff: 5 + 37 * 6 + 3,
  flatLength: 5 + 37 * 6 + 3 + 6 + 7,
  inputGrad: true,
});

/** The shapes the generated sets run: batch and K not multiples of the tile, odd features, no bias, no dx. */
const GEMM_CASES = new Set<Case>();
/** Marks a case the generated sets run. */
function gemmCase(c: Case): Case {
  GEMM_CASES.add(c);
  return c;
}

const CASES: Case[] = [
  model(1, 'dense'),
  model(5, 'dense'),
  model(37, 'dense'),
  model(128, 'dense'),
  model(129, 'dense'),
  gemmCase(model(1, 'dense_1')),
  model(37, 'dense_1'),
  model(128, 'dense_1'),
  odd(5, true),
  gemmCase(odd(37, false)),
  gemmCase(odd(1, true, false)),
  aligned(1, true),
  aligned(5, false),
  aligned(37, true),
  aligned(37, true, false),
  ...ELEMENTWISE_ACTIVATIONS.flatMap((act) => [awkward(act, true), act === 'tanh' ? gemmCase(awkward(act, false)) : awkward(act, false)]),
  // One 'tile16x16' case for the vec4 activation path and no bias (each of its pipelines takes
  // seconds to compile on SwiftShader).
  aligned(5, false, true, 'tanh', false),
];

const configOf = (c: Case): DenseConfig => ({
  name: 'dense', batch: c.B, inFeatures: c.IN, outFeatures: c.OUT, activation: c.act, useBias: c.useBias,
  weightOffset: c.wOff, biasOffset: c.useBias ? c.bOff : undefined,
});

const compare = (name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>) => compareScaled(name, gpu, ref, ATOL_SCALE, RTOL);

const PASSES = ['forward', 'backward-input', 'backward-weights'] as const satisfies readonly KernelPass[];
type KernelSet = Record<(typeof PASSES)[number], string>;
/** Registry ids by pass: `forward`'s block size for the forward, `gradients`' for both gradient kernels. */
const blockSet = (forward: string, gradients: string): KernelSet => ({
  forward: `dense.forward.${forward}`, 'backward-input': `dense.backward-input.${gradients}`, 'backward-weights': `dense.backward-weights.${gradients}`,
});
const TILE16 = blockSet('tile16x16', 'tile16x16');
const TILE4 = blockSet('tile4x4', 'tile4x4');
/** 16x16 forward with 4x4 gradients. */
const MIXED = blockSet('tile16x16', 'tile4x4');
/** The generated GEMMs (src/layers/gemm/), one set per tile. */
const GEMM_SETS = [...new Set(DENSE_GEMM_KERNELS.map((e) => e.id.split('.')[2]))].map((tile) => blockSet(tile, tile));
const ENTRIES = [...DENSE_KERNELS, ...DENSE_GEMM_KERNELS];
/** The kernel sets each shape runs (where every kernel of the set supports it). */
const SETS = [TILE16, TILE4, MIXED, ...GEMM_SETS];
const setName = (set: KernelSet) => [...new Set(Object.values(set))].join(' + ');
const supported = (c: DenseConfig, set: KernelSet) => Object.values(set).every((id) => ENTRIES.find((e) => e.id === id)!.supports(c) === true);

describe('dense kernels', () => {
  it('the fixed rule takes tile16x16 where the shape allows vec4 views, else tile4x4', () => {
    const fixed = (c: DenseConfig) => Object.fromEntries(PASSES.map((p) => [p, fixedChoice(DENSE_KERNELS, p, c).id]));
    expect(fixed(configOf(model(128, 'dense')))).toEqual(TILE16);
    expect(fixed(configOf(model(128, 'dense_1')))).toEqual(TILE4); // OUT = 10
    expect(fixed(configOf(odd(5, true)))).toEqual(TILE4);
    expect(fixed(configOf(aligned(5, true)))).toEqual(TILE16);
    const base = configOf(aligned(5, true));
    for (const bad of [{ inFeatures: 42 }, { outFeatures: 22 }, { weightOffset: 6 }, { biasOffset: 894 }]) {
      expect(supported({ ...base, ...bad }, TILE16)).toBe(false);
      expect(supported({ ...base, ...bad }, TILE4)).toBe(true);
    }
    // Without a bias its offset does not matter.
    expect(supported({ ...base, useBias: false, biasOffset: 894 }, TILE16)).toBe(true);
  });

  it('every registered dense kernel runs in one of the kernel sets', () => {
    const run = new Set(SETS.flatMap((set) => Object.values(set)));
    expect(ENTRIES.map((e) => e.id).filter((id) => !run.has(id))).toEqual([]);
  });

  it('refuses tile16x16 on a shape it does not support, and a bad activation or bias', async () => {
    const { root, device } = await getGpu();
    const c = odd(5, true);
    const buf = createStorageBuffer(device, c.flatLength * 4, 'any');
    const inferOnly = { ...configOf(c), inferenceOnly: true };
    const bufs = { input: buf, output: buf, params: buf };
    expect(() => createDense({ root, device }, inferOnly, bufs, { kernels: layerChooser({ forward: 'dense.forward.tile16x16' }) })).toThrow(/does not support it: needs IN, OUT and both offsets to be multiples of 4/);
    expect(() => createDense({ root, device }, { ...inferOnly, activation: 'softmax' as never }, bufs)).toThrow(/activation must be one of/);
    expect(() => createDense({ root, device }, { ...inferOnly, biasOffset: undefined }, bufs)).toThrow(/useBias needs a biasOffset/);
    buf.destroy();
  });
});

describe('dense', () => {
  for (const c of CASES) for (const set of SETS) {
    const { B, IN, OUT, act, useBias, wOff, bOff, flatLength, inputGrad: withDx } = c;
    if (!supported(configOf(c), set)) continue;
    // The mixed choice once per shape class is enough.
    if (set === MIXED && B > 5) continue;
    if (GEMM_SETS.includes(set) && !GEMM_CASES.has(c)) continue;
    // A tile staged in workgroup memory compiles for seconds on SwiftShader: two shapes (no bias; batch 1).
    if (set.forward.includes('.gemm-s') && !(c.B === 1 && c.OUT === 10) && c.useBias) continue;
    const relu = act === 'relu';
    const label = `${act}${useBias ? '' : ', no bias'}${withDx ? '' : ', no dx'}`;
    it(`${setName(set)}: forward + backward match the reference (B=${B}, ${IN}->${OUT} ${label})`, async () => {
      const { root, device } = await getGpu();
      const rng = new Rng(B * 7919 + IN + OUT + ELEMENTWISE_ACTIVATIONS.indexOf(act) + (useBias ? 0 : 17));
      const limit = Math.sqrt(6 / (IN + OUT));
      const flat = new Float32Array(flatLength).fill(-999); // garbage outside the layer's slices
      for (let i = 0; i < IN * OUT; i++) flat[wOff + i] = (rng.nextFloat() * 2 - 1) * limit;
      // Without a bias its slot keeps the garbage: reading it would spoil y.
      if (useBias) for (let o = 0; o < OUT; o++) flat[bOff + o] = (rng.nextFloat() * 2 - 1) * 0.1;
      const x = Float32Array.from({ length: B * IN }, () => rng.nextFloat() * 2 - (relu ? 1 : 0.5));
      const dy = Float32Array.from({ length: B * OUT }, () => (rng.nextFloat() * 2 - 1) / B);
      const w64 = Float64Array.from(flat.subarray(wOff, wOff + IN * OUT));
      const b64 = useBias ? Float64Array.from(flat.subarray(bOff, bOff + OUT)) : null;
      const x64 = Float64Array.from(x);

      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x');
        const output = createStorageBuffer(device, B * OUT * 4, 'y');
        const params = createBufferWith(device, flat, 'params');
        const grads = createBufferWith(device, new Float32Array(flatLength).fill(SENTINEL), 'grads');
        const outputGrad = createBufferWith(device, dy, 'dy');
        const inputGrad = withDx ? createBufferWith(device, new Float32Array(B * IN).fill(SENTINEL), 'dx') : undefined;
        const dense = createDense(
          { root, device },
          configOf(c),
          { input, output, params, grads, outputGrad, inputGrad },
          { kernels: layerChooser(set), entries: ENTRIES },
        );
        const ran = [...dense.forward, ...dense.backward].map((d) => d.kernel?.id);
        expect(ran).toEqual(PASSES.filter((p) => withDx || p !== 'backward-input').map((p) => set[p]));
        expect(dense.inference).toEqual(dense.forward);
        expect(dense.backward.length).toBe(withDx ? 2 : 1);
        runDispatches(device, [...dense.forward, ...dense.backward]);
        const y = await readF32(device, output, B * OUT);
        const g = await readF32(device, grads, flatLength);
        const dx = inputGrad ? await readF32(device, inputGrad, B * IN) : undefined;

        const yRef = denseActivationForward(x64, w64, b64, B, IN, OUT, act);
        // The backward takes the activation's derivative through the layer's own stored output:
        // use the GPU's y so that a relu value rounding across 0 cannot flip the mask between
        // GPU and reference.
        const ref = denseActivationBackward(Float64Array.from(dy), x64, w64, Float64Array.from(y), B, IN, OUT, act, useBias);

        const results = [compare('y', y, yRef), compare('dW', g.subarray(wOff, wOff + IN * OUT), ref.dw)];
        if (ref.db) results.push(compare('db', g.subarray(bOff, bOff + OUT), ref.db));
        if (dx) results.push(compare('dx', dx, ref.dx));
        let outside = 0;
        for (let i = 0; i < flatLength; i++) {
          const inW = i >= wOff && i < wOff + IN * OUT;
          const inB = useBias && i >= bOff && i < bOff + OUT;
          if (!inW && !inB && g[i] !== SENTINEL) outside++;
        }
        console.log(`dense ${setName(set)} B=${B} ${IN}->${OUT} ${label}: ${results.map((r) => r.line).join('; ')}; writes outside slices ${outside}`);
        for (const r of results) expect(r.bad).toBe(0);
        expect(outside).toBe(0);
        if (B === 128 && IN === 1600) {
          // Informative timing only (no assertion): forward + both backward kernels.
          const reps = 3;
          await device.queue.onSubmittedWorkDone();
          const t0 = performance.now();
          for (let r = 0; r < reps; r++) runDispatches(device, [...dense.forward, ...dense.backward]);
          await device.queue.onSubmittedWorkDone();
          const ms = (performance.now() - t0) / reps;
          const gflop = (3 * 2 * B * IN * OUT) / 1e9;
          console.log(`dense ${setName(set)} B=${B} ${IN}->${OUT} fwd+bwd: ${ms.toFixed(1)} ms per step, ${(gflop / (ms / 1000)).toFixed(2)} GFLOP/s`);
        }
        dense.destroy();
        for (const b of [input, output, params, grads, outputGrad, inputGrad]) b?.destroy();
      });
    });
  }

  for (const c of [model(37, 'dense'), model(5, 'dense_1'), odd(3, true)]) {
    const { B, IN, OUT, flatLength } = c;
    it(`inference-only (B=${B}, ${IN}->${OUT}): no backward, same forward`, async () => {
      const { root, device } = await getGpu();
      const rng = new Rng(31 * B + IN);
      const flat = Float32Array.from({ length: flatLength }, () => (rng.nextFloat() * 2 - 1) * 0.1);
      const x = Float32Array.from({ length: B * IN }, () => rng.nextFloat() * 2 - 1);
      await expectNoGpuErrors(device, async () => {
        const input = createBufferWith(device, x, 'x');
        const params = createBufferWith(device, flat, 'params');
        const grads = createStorageBuffer(device, flatLength * 4, 'grads');
        const outputGrad = createStorageBuffer(device, B * OUT * 4, 'dy');
        const yTrain = createBufferWith(device, new Float32Array(B * OUT).fill(NaN), 'y (training layer)');
        const yInfer = createBufferWith(device, new Float32Array(B * OUT).fill(NaN), 'y (inference-only layer)');
        const config = configOf(c);
        const train = createDense({ root, device }, config, { input, output: yTrain, params, grads, outputGrad });
        const infer = createDense({ root, device }, { ...config, inferenceOnly: true }, { input, output: yInfer, params });
        expect(train.backward.length).toBe(1);
        expect(infer.backward).toEqual([]);
        expect(infer.forward.length).toBe(1);
        expect(infer.inference).toEqual(infer.forward);
        expect(() => createDense({ root, device }, config, { input, output: yInfer, params })).toThrow(/inferenceOnly/);
        runDispatches(device, [...train.forward, ...infer.forward]);
        const a = await readF32(device, yTrain, B * OUT);
        const b = await readF32(device, yInfer, B * OUT);
        let diff = 0;
        for (let i = 0; i < B * OUT; i++) if (!(a[i] === b[i])) diff++;
        console.log(`dense inference-only B=${B} ${IN}->${OUT}: ${diff} differing outputs`);
        expect(diff).toBe(0);
        for (const buf of [input, params, grads, outputGrad, yTrain, yInfer]) buf.destroy();
      });
    });
  }
});
