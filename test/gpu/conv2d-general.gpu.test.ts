// The general conv2d layer (src/layers/conv2d-general.ts) vs the float64 reference
// (test/reference/conv2d-general.ts) on random inputs: forward y, dK, db and dx at awkward
// geometries (kernel 5 'same' stride 2, 1x1, 7x3, even kernels with Keras's asymmetric 'same',
// mixed strides, odd H/W, Cin 3, Cout 6, 32/64 hidden channels, a 64x64 input), batch 1 and odd
// batches, every activation, with and without bias. Parameters sit at non-zero offsets inside a
// larger flat buffer; everything else in `grads` must stay untouched and every dx element must
// be written. An inference-only layer builds at most one pipeline (none when the device's cache has it), one bind group and no buffers, and
// gives the training layer's forward bit for bit.
import { describe, expect, it } from 'vitest';
import { createConv2dGeneral, conv2dGeneralShape, type Conv2dGeneralConfig } from '../../src/layers/conv2d-general.ts';
import { CONV2D_GENERAL_FILTER, CONV2D_GENERAL_FORWARD, CONV2D_GENERAL_INPUT } from '../../src/layers/conv2d-general-choices.ts';
import { fixedChoice, layerChooser, type KernelPass } from '../../src/gpu/kernel-registry.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { BatchSize } from '../../src/gpu/batch-size.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { Rng } from '../../src/model/rng.ts';
import type { ElementwiseActivation } from '../../src/model/activations.ts';
import { conv2dGeneralBackward, conv2dGeneralForward, type ConvGeneralShape } from '../reference/conv2d-general.ts';
import { randArray } from '../reference/gradcheck.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { compare } from './tolerance.ts';

const SENTINEL = 12345;

/** A config with its parameters at offsets inside a larger flat buffer (kernel at 8, bias after it). */
function layer(
  name: string,
  [batch, inHeight, inWidth, inChannels, outChannels]: readonly [number, number, number, number, number],
  [kernelHeight, kernelWidth, strideHeight, strideWidth]: readonly [number, number, number, number],
  padding: 'valid' | 'same',
  activation: ElementwiseActivation,
  useBias = true,
): Conv2dGeneralConfig {
  const kernelOffset = 8;
  const biasOffset = Math.ceil((kernelOffset + kernelHeight * kernelWidth * inChannels * outChannels) / 4) * 4 + 4;
  return {
    name, batch, inHeight, inWidth, inChannels, outChannels, kernelHeight, kernelWidth,
    strideHeight, strideWidth, padding, useBias, activation, kernelOffset, biasOffset,
  };
}

const CASES: Conv2dGeneralConfig[] = [
  layer('k5 same s2', [5, 13, 9, 3, 6], [5, 5, 2, 2], 'same', 'relu'),
  layer('k7x3 same', [1, 13, 9, 3, 8], [7, 3, 1, 1], 'same', 'sigmoid', false),
  layer('1x1 hidden 32->64', [1, 6, 7, 32, 64], [1, 1, 1, 1], 'valid', 'linear'),
  layer('1x1 s2 (inputs no output reads)', [3, 5, 7, 4, 5], [1, 1, 2, 2], 'valid', 'tanh'),
  layer('k2x4 same s(2,1) even kernel', [3, 7, 6, 5, 6], [2, 4, 2, 1], 'same', 'linear', false),
  layer('k3 valid s(1,2) hidden 64->32', [2, 10, 11, 64, 32], [3, 3, 1, 2], 'valid', 'tanh'),
  layer('seed conv2d_1 geometry 32->64', [3, 13, 13, 32, 64], [3, 3, 1, 1], 'valid', 'relu'),
  layer('64x64 input k3 same s2', [1, 64, 64, 1, 4], [3, 3, 2, 2], 'same', 'sigmoid'),
  layer('k6x7 valid s2 (kernel past half the input)', [2, 9, 12, 2, 3], [6, 7, 2, 2], 'valid', 'relu', false),
  // 4096*32*32 = 2^22 outputs: the activation pass needs 65,536 workgroups of 64, a 2-D grid.
  layer('batch 4096 (2-D grid)', [4096, 32, 32, 1, 1], [1, 1, 1, 1], 'same', 'sigmoid'),
];

/** Kernel sets: the fixed rules (0), then each generated tile for all three passes. */
const CHOICES: [KernelPass, readonly { id: string }[]][] = [
  ['forward', CONV2D_GENERAL_FORWARD], ['backward-filter', CONV2D_GENERAL_FILTER], ['backward-input', CONV2D_GENERAL_INPUT],
];
const TILES = CONV2D_GENERAL_FORWARD.map((e) => e.id.split('.')[2]).filter((v) => v.startsWith('gemm-'));
const SET_COUNT = 1 + TILES.length;
/** Set i: the generated forward TILES[i - 1], and each gradient's generated kernel of the same tile where there is one. */
const kernelSet = (i: number): Partial<Record<KernelPass, string>> =>
  Object.fromEntries(CHOICES.flatMap(([pass, list]) => {
    const id = `conv2d-general.${pass}.${TILES[i - 1]}`;
    return i > 0 && list.some((e) => e.id === id) ? [[pass, id]] : [];
  }));
/**
 * The cases each generated set runs (the fixed rules run them all): between them stride 2 with
 * 'same', 1x1 and 7-wide kernels, odd channel counts, K and the batch's positions not
 * multiples of any tile, no bias.
 */
const SET_CASES: readonly (readonly string[])[] = [
  [],
  ['k5 same s2', 'k6x7 valid s2 (kernel past half the input)', '1x1 hidden 32->64', '64x64 input k3 same s2'],
  ['k7x3 same', 'k2x4 same s(2,1) even kernel', '1x1 s2 (inputs no output reads)'],
];

function refShape(c: Conv2dGeneralConfig): ConvGeneralShape {
  return {
    B: c.batch, H: c.inHeight, W: c.inWidth, Cin: c.inChannels, Cout: c.outChannels,
    KH: c.kernelHeight, KW: c.kernelWidth, SH: c.strideHeight, SW: c.strideWidth, padding: c.padding,
  };
}

function label(c: Conv2dGeneralConfig): string {
  return `${c.name}: B=${c.batch} ${c.inHeight}x${c.inWidth}x${c.inChannels}->${c.outChannels} k${c.kernelHeight}x${c.kernelWidth} s${c.strideHeight}x${c.strideWidth} ${c.padding} ${c.activation}${c.useBias ? '' : ' no bias'}`;
}

const f32 = (rng: Rng, n: number, lo: number, hi: number) => Float32Array.from(randArray(rng, n, lo, hi));

describe('general conv2d layer vs float64 reference', () => {
  it('the fixed rules: the generated 4x8 forward from 4 input channels, else the hand-written kernels', () => {
    const fixed = (c: Conv2dGeneralConfig) => CHOICES.map(([pass, list]) => fixedChoice(list as never, pass, c).id.split('.')[2]);
    expect(fixed(CASES[0])).toEqual(['blocked', 'split-k', 'blocked']); // 3 input channels
    expect(fixed(CASES.find((c) => c.inChannels === 4)!)).toEqual(['gemm-d32x16k1r4x8', 'split-k', 'blocked']);
  });

  for (let set = 0; set < SET_COUNT; set++) for (const c of CASES) {
    if (set > 0 && !SET_CASES[set].includes(c.name)) continue;
    const ids = kernelSet(set);
    it(`${label(c)} [${set === 0 ? 'fixed rules' : Object.values(ids).join(', ')}]`, async () => {
      const { root, device } = await getGpu();
      const s = conv2dGeneralShape(c);
      const taps = c.kernelHeight * c.kernelWidth;
      const paramLen = c.biasOffset + c.outChannels + 8;
      const rng = new Rng(900 + c.batch * 13 + c.inHeight * 7 + c.kernelWidth);
      const x = f32(rng, s.inputLength, 0, 1);
      const limit = Math.sqrt(6 / (taps * (c.inChannels + c.outChannels)));
      const params = f32(rng, paramLen, -1, 1); // entries outside the layer's slices are noise it must ignore
      const kernel = f32(rng, s.kernelSize, -limit, limit);
      const bias = f32(rng, c.outChannels, -0.2, 0.2);
      params.set(kernel, c.kernelOffset);
      params.set(bias, c.biasOffset);
      const dy = f32(rng, s.outputLength, -0.01, 0.01);

      const xBuf = createBufferWith(device, x, 'x');
      const pBuf = createBufferWith(device, params, 'params');
      const gradsBuf = createBufferWith(device, new Float32Array(paramLen).fill(SENTINEL), 'grads');
      const yBuf = createBufferWith(device, new Float32Array(s.outputLength).fill(NaN), 'y');
      const dyBuf = createBufferWith(device, dy, 'dy');
      const dxBuf = createBufferWith(device, new Float32Array(x.length).fill(NaN), 'dx');
      const logs: string[] = [];
      await expectNoGpuErrors(device, async () => {
        const plan = createConv2dGeneral({ root, device }, c, {
          input: xBuf, output: yBuf, params: pBuf, grads: gradsBuf, outputGrad: dyBuf, inputGrad: dxBuf,
        }, { kernels: set === 0 ? undefined : layerChooser(ids) });
        if (set > 0) expect([...plan.forward, ...plan.backward].map((d) => d.kernel?.id)).toEqual(expect.arrayContaining(Object.values(ids)));
        expect(plan.inference).toEqual(plan.forward);
        // activation pass (not for linear), filter partials, reduce, dx
        expect(plan.backward.length).toBe(c.activation === 'linear' ? 3 : 4);
        const twoD = [...plan.forward, ...plan.backward].filter((d) => d.workgroups[1] > 1).map((d) => d.label);
        if (c.batch === 4096) expect(twoD).toContain(`${c.name}.backward_activation`);
        let t0 = performance.now();
        runDispatches(device, plan.forward);
        const y = await readF32(device, yBuf, s.outputLength);
        runDispatches(device, plan.backward);
        const grads = await readF32(device, gradsBuf, paramLen);
        const dx = await readF32(device, dxBuf, x.length);
        const tGpu = performance.now() - t0;
        plan.destroy();

        t0 = performance.now();
        const x64 = Float64Array.from(x);
        const k64 = Float64Array.from(kernel);
        const yRef = conv2dGeneralForward(x64, k64, c.useBias ? Float64Array.from(bias) : null, refShape(c), c.activation);
        logs.push(compare('forward y', y, yRef, taps * c.inChannels));
        // The backward's activation derivative comes from the GPU's own y (the kernel's contract),
        // so that a ReLU output within rounding of 0 cannot flip the mask.
        const ref = conv2dGeneralBackward(Float64Array.from(dy), x64, k64, y, refShape(c), c.activation, c.useBias);
        const tRef = performance.now() - t0;
        logs.push(compare('dK', grads.subarray(c.kernelOffset, c.kernelOffset + s.kernelSize), ref.dk, s.positions));
        if (c.useBias) logs.push(compare('db', grads.subarray(c.biasOffset, c.biasOffset + c.outChannels), ref.db, s.positions));
        logs.push(compare('dx', dx, ref.dx, taps * c.outChannels));

        // Only the layer's own slices of `grads` are written (no bias slice without a bias).
        const bEnd = c.useBias ? c.biasOffset + c.outChannels : c.biasOffset;
        for (let i = 0; i < paramLen; i++) {
          const own = (i >= c.kernelOffset && i < c.kernelOffset + s.kernelSize) || (i >= c.biasOffset && i < bEnd);
          if (!own && grads[i] !== SENTINEL) throw new Error(`grads[${i}] outside the layer's slices was written`);
        }
        logs.push(`2-D grids: ${twoD.join(', ') || 'none'}; out ${s.outHeight}x${s.outWidth} pad ${s.padTop},${s.padLeft}; ${s.chunks} chunks of ${s.chunk} positions; gpu ${tGpu.toFixed(0)} ms (incl. compile), ref ${tRef.toFixed(0)} ms`);
      });
      console.log(`conv2d-general ${label(c)}\n  ${logs.join('\n  ')}`);
      for (const b of [xBuf, pBuf, gradsBuf, yBuf, dyBuf, dxBuf]) b.destroy();
    });
  }

  it('an inference-only layer builds the forward alone and matches the training forward bit for bit', async () => {
    const { root, device } = await getGpu();
    const c = CASES[0];
    const s = conv2dGeneralShape(c);
    const rng = new Rng(31);
    const xBuf = createBufferWith(device, f32(rng, s.inputLength, 0, 1), 'x');
    const pBuf = createBufferWith(device, f32(rng, c.biasOffset + c.outChannels, -0.3, 0.3), 'params');
    const yTrain = createStorageBuffer(device, s.outputLength * 4, 'y (training layer)');
    const yInfer = createStorageBuffer(device, s.outputLength * 4, 'y (inference-only layer)');
    const grads = createStorageBuffer(device, (c.biasOffset + c.outChannels) * 4, 'grads');
    const dy = createStorageBuffer(device, s.outputLength * 4, 'dy');
    // The batch size uniform a plan shares between its layers (a layer given none makes its own).
    const batchSize = new BatchSize(root, c.batch);
    await expectNoGpuErrors(device, async () => {
      // Count what the builder creates on the device (own properties shadow the prototype's methods).
      const created = { pipelines: 0, bindGroups: 0, buffers: 0 };
      const dev = device as unknown as Record<string, unknown>;
      const spy = (method: 'createComputePipeline' | 'createBindGroup' | 'createBuffer', key: keyof typeof created) => {
        const original = (device[method] as (...a: unknown[]) => unknown).bind(device);
        dev[method] = (...a: unknown[]) => {
          created[key]++;
          return original(...a);
        };
      };
      spy('createComputePipeline', 'pipelines');
      spy('createBindGroup', 'bindGroups');
      spy('createBuffer', 'buffers');
      let infer;
      try {
        infer = createConv2dGeneral({ root, device }, { ...c, inferenceOnly: true }, { input: xBuf, output: yInfer, params: pBuf, batchSize });
      } finally {
        for (const m of ['createComputePipeline', 'createBindGroup', 'createBuffer']) delete dev[m];
      }
      // One pipeline at most: none where the device's pipeline cache already holds it (an earlier case compiled this forward).
      expect(created.pipelines).toBeLessThanOrEqual(1);
      expect({ bindGroups: created.bindGroups, buffers: created.buffers }).toEqual({ bindGroups: 1, buffers: 0 });
      expect(infer.backward).toEqual([]);
      expect(infer.inference).toEqual(infer.forward);
      const train = createConv2dGeneral({ root, device }, c, { input: xBuf, output: yTrain, params: pBuf, grads, outputGrad: dy, batchSize });
      expect(train.backward.length).toBeGreaterThan(0);
      runDispatches(device, [...train.forward, ...infer.forward]);
      const a = await readF32(device, yTrain, s.outputLength);
      const b = await readF32(device, yInfer, s.outputLength);
      expect(Array.from(b)).toEqual(Array.from(a));
      train.destroy();
      infer.destroy();
    });
    for (const b of [xBuf, pBuf, yTrain, yInfer, grads, dy, batchSize]) b.destroy();
  });

  it('rejects bad buffers and missing backward buffers clearly', async () => {
    const { root, device } = await getGpu();
    const c = CASES[1];
    const s = conv2dGeneralShape(c);
    const small = createStorageBuffer(device, 16, 'small');
    const x = createStorageBuffer(device, s.inputLength * 4, 'x');
    const y = createStorageBuffer(device, s.outputLength * 4, 'y');
    const p = createStorageBuffer(device, (c.biasOffset + c.outChannels) * 4, 'params');
    const ctx = { root, device };
    expect(() => createConv2dGeneral(ctx, c, { input: small, output: y, params: p })).toThrow(/input .* buffer has 16 bytes/);
    expect(() => createConv2dGeneral(ctx, c, { input: x, output: y, params: small })).toThrow(/params buffer has 16 bytes/);
    expect(() => createConv2dGeneral(ctx, c, { input: x, output: y, params: p })).toThrow(/grads and outputGrad are required/);
    for (const b of [small, x, y, p]) b.destroy();
  });
});
