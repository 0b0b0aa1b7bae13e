// conv2d layer kernels vs the float64 CPU reference: forward (conv + bias + ReLU), the
// ReLU-masked filter/bias gradients (split-K partials + reduce) and the input gradient, for the
// model's two conv shapes at batch 1, 37 and 128 and for awkward generic shapes; layers that
// declare a used output region (a floor max-pool after them: the output gradient is zero
// outside it and the backward kernels may skip it); an inference-only layer (no gradient
// buffers) builds no backward and gives the same forward; and evaluation's fused conv + ReLU +
// max-pool kernel ('cin1pool').
import { describe, expect, it } from 'vitest';
import {
  createConv2d,
  conv2dShape,
  inUsedOutput,
  inputTileGrid,
  CONV2D_FILTER_KERNELS,
  CONV2D_FORWARD_KERNELS,
  CONV2D_INPUT_KERNELS,
  CONV2D_KERNELS,
  CONV2D_MASK_KERNEL,
  CONV2D_POOLED_KERNEL,
  CONV2D_TRANSPOSE_KERNEL,
  TILE6X6_INPUT_ID,
  type Conv2dConfig,
  type Conv2dEntry,
} from '../../src/layers/conv2d.ts';
import { fixedChoice, layerChooser, type KernelChooser } from '../../src/gpu/kernel-registry.ts';
import { runDispatches } from '../../src/gpu/kernel.ts';
import { createBufferWith, createStorageBuffer, readF32 } from '../../src/gpu/buffers.ts';
import { createRng } from '../../src/model/rng.ts';
import { conv2dBackward, conv2dForward, maxpool2x2Forward, reluBackward, reluForward } from '../reference/index.ts';
import { createPoolDropout } from '../../src/layers/pool-dropout.ts';
import { getGpu, expectNoGpuErrors } from './gpu-fixture.ts';
import { compare } from './tolerance.ts';

// float32 tolerance: ./tolerance.ts (RTOL, ATOL scaled by the reduction length n: 9*Cin for the
// forward, B*Ho*Wo for dk/db, 9*Cout for dx).
const SENTINEL = 12345;

interface Case {
  label: string;
  config: Conv2dConfig;
  /** The model's first layer has no input gradient. */
  withInputGrad: boolean;
  /** Registry ids of the kernels the case asks for, by pass (the fixed rule for the others). */
  kernels?: ChosenKernels;
}

type ChosenKernels = Partial<Record<'forward' | 'backward-filter' | 'backward-input', string>>;

/** The registry entries a case asks for, by pass (the fixed rule for the others). */
function chooserOf(c: Pick<Case, 'kernels'>): KernelChooser {
  return layerChooser(c.kernels ?? {});
}

/** The test's name: the entries the case asks for, then the shape. */
const caseName = (c: Case) => `${Object.values(c.kernels ?? {}).join(' + ') || 'fixed rules'}: ${c.label}`;

/** The ids a case runs: its own choices, else the fixed rule's. */
function caseKernels(c: Case): string[] {
  const id = (entries: readonly Conv2dEntry[], pass: keyof ChosenKernels) => c.kernels?.[pass] ?? fixedChoice(entries, pass, c.config).id;
  const ids = [
    id(CONV2D_FORWARD_KERNELS, 'forward'),
    id(CONV2D_FILTER_KERNELS, 'backward-filter'),
    ...(c.withInputGrad ? [id(CONV2D_INPUT_KERNELS, 'backward-input')] : []),
  ];
  if (!c.config.outputGradMasked) ids.push(CONV2D_MASK_KERNEL.id);
  if (c.withInputGrad && !ids.includes('conv2d.backward-input.direct')) ids.push(CONV2D_TRANSPOSE_KERNEL.id);
  return ids;
}

/** The same case with a gradient that is already dL/d(pre-activation): no mask pass. */
function premasked(c: Case): Case {
  return { ...c, label: `${c.label}, output gradient pre-masked`, config: { ...c.config, outputGradMasked: true } };
}

function modelCase(name: 'conv2d' | 'conv2d_1', batch: number, withInputGrad: boolean, inputVariant?: string): Case {
  const first = name === 'conv2d';
  const [height, inChannels, outChannels] = first ? [28, 1, 32] : [13, 32, 64];
  // Non-zero offsets inside a larger flat buffer (multiples of 4) to check offsets and slices.
  const kernelOffset = first ? 4 : 20;
  const biasOffset = Math.ceil((kernelOffset + 9 * inChannels * outChannels) / 4) * 4 + 4;
  return {
    label: `${name} B=${batch}${withInputGrad ? '' : ' (no dx)'}`,
    config: { name, batch, height, width: height, inChannels, outChannels, kernelOffset, biasOffset },
    withInputGrad,
    ...(inputVariant ? { kernels: { 'backward-input': `conv2d.backward-input.${inputVariant}` } } : {}),
  };
}

/** The case with the input-gradient kernel conv2d.backward-input.<inputVariant>. */
function withVariant(c: Case, inputVariant: string): Case {
  return { ...c, kernels: { ...c.kernels, 'backward-input': `conv2d.backward-input.${inputVariant}` } };
}

/** The case with the given forward, filter-gradient and input-gradient kernels (conv2d.<pass>.<variant>). */
function withKernels(c: Case, forwardVariant: string, filterVariant: string, inputVariant: string): Case {
  return {
    ...c,
    kernels: { forward: `conv2d.forward.${forwardVariant}`, 'backward-filter': `conv2d.backward-filter.${filterVariant}`, 'backward-input': `conv2d.backward-input.${inputVariant}` },
  };
}

const AWKWARD: Case[] = [
  {
    label: 'awkward H=7 W=9 Cin=3 Cout=8 B=2',
    config: { name: 'odd', batch: 2, height: 7, width: 9, inChannels: 3, outChannels: 8, kernelOffset: 8, biasOffset: 232 },
    withInputGrad: true,
  },
  {
    label: 'awkward H=5 W=6 Cin=5 Cout=12 B=3 (odd vec4 group count)',
    config: { name: 'odd2', batch: 3, height: 5, width: 6, inChannels: 5, outChannels: 12, kernelOffset: 0, biasOffset: 540 },
    withInputGrad: true,
  },
  {
    label: 'awkward H=3 W=3 Cin=1 Cout=4 B=5 (1x1 output)',
    config: { name: 'tiny', batch: 5, height: 3, width: 3, inChannels: 1, outChannels: 4, kernelOffset: 4, biasOffset: 40 },
    withInputGrad: true,
  },
  {
    label: 'awkward H=4 W=5 Cin=9 Cout=8 B=2 (narrower than a dx row tile, ragged vec4 group)',
    config: { name: 'narrow', batch: 2, height: 4, width: 5, inChannels: 9, outChannels: 8, kernelOffset: 4, biasOffset: 652 },
    withInputGrad: true,
  },
  {
    label: 'awkward H=9 W=17 Cin=12 Cout=4 B=3 (3 dx row tiles, the last shifted)',
    config: { name: 'wide', batch: 3, height: 9, width: 17, inChannels: 12, outChannels: 4, kernelOffset: 0, biasOffset: 432 },
    withInputGrad: true,
  },
];

/** The case with only rows < h and columns < w of the output used downstream (gradient zero elsewhere). */
function usedRegion(c: Case, h: number, w: number): Case {
  return { ...c, label: `${c.label}, used output ${h}x${w}`, config: { ...c.config, usedOutputHeight: h, usedOutputWidth: w } };
}

/** The cases once each (the registry sweep below repeats some of the hand-picked ones). */
function withoutRepeats(cases: Case[]): Case[] {
  const names = cases.map(caseName);
  return cases.filter((c, i) => names.indexOf(caseName(c)) === i);
}

const CASES: Case[] = withoutRepeats([
  modelCase('conv2d', 1, true),
  modelCase('conv2d', 37, true),
  modelCase('conv2d', 128, false),
  modelCase('conv2d_1', 1, true),
  modelCase('conv2d_1', 37, true),
  modelCase('conv2d_1', 37, true, 'direct'),
  modelCase('conv2d', 2, true, 'tile4x4'),
  ...AWKWARD.flatMap((c) => [withVariant(c, 'rows'), withVariant(c, 'direct')]),
  // Every forward / filter-gradient / input-gradient variant at batch 1, 37, 128 and on the
  // awkward shapes (the cases above use the layer's defaults).
  ...(
    [
      ['tiled', 'positions', 'rows'],
      ['tile4x4', 'rows', 'tile4x4'],
    ] as const
  ).flatMap(([fwd, dk, dx]) => [
    withKernels(modelCase('conv2d', 1, true), fwd, dk, dx),
    withKernels(modelCase('conv2d', 37, false), fwd, dk, dx),
    withKernels(modelCase('conv2d_1', 1, true), fwd, dk, dx),
    withKernels(modelCase('conv2d_1', 37, true), fwd, dk, dx),
    // Batch 128 once per kernel: the layer's defaults above run the other group's kernels there.
    ...(fwd === 'tile4x4' ? [withKernels(modelCase('conv2d', 128, false), fwd, dk, dx), withKernels(modelCase('conv2d_1', 128, true), fwd, dk, dx)] : []),
    ...AWKWARD.map((c) => withKernels(c, fwd, dk, dx)),
  ]),
  // As the model uses them: the gradient comes pre-masked from the fused pool + dropout backward.
  premasked(modelCase('conv2d', 37, false)),
  premasked(modelCase('conv2d_1', 37, true)),
  premasked(AWKWARD[0]),
  // conv2d_1 as the model builds it: pre-masked, and the floor pool reads only 10x10 of 11x11.
  premasked(usedRegion(modelCase('conv2d_1', 1, true), 10, 10)),
  premasked(usedRegion(modelCase('conv2d_1', 128, true), 10, 10)),
  // Every dx and filter variant must give the same gradients with a used region.
  ...(['tile6x6', 'rows', 'direct', 'tile4x4'] as const).map((dx) =>
    withKernels(usedRegion(modelCase('conv2d_1', 3, true), 10, 9), 'tiled', dx === 'tile4x4' ? 'rows' : 'positions', dx),
  ),
  usedRegion(withVariant(AWKWARD[4], 'rows'), 5, 4),
  // The 5x5-tile forward: exact tiles (the model's 10x10), shifted last tiles, a region under 5.
  ...[[10, 10], [7, 11], [11, 6]].map(([h, w]) => withKernels(usedRegion(modelCase('conv2d_1', 2, true), h, w), 'tile5x5', 'positions', 'rows')),
  withKernels(usedRegion(modelCase('conv2d_1', 128, true), 10, 10), 'tile5x5', 'rows', 'tile4x4'),
  withKernels(usedRegion(AWKWARD[4], 7, 3), 'tile5x5', 'positions', 'rows'),
  withKernels(AWKWARD[1], 'tile5x5', 'positions', 'direct'),
  // The sliding-window filter gradient: model shapes, odd channel counts, used regions.
  ...[1, 37, 128].map((b) => withKernels(modelCase('conv2d_1', b, true), 'tiled', 'slide', 'rows')),
  withKernels(usedRegion(modelCase('conv2d_1', 128, true), 10, 10), 'tile5x5', 'slide', 'rows'),
  withKernels(modelCase('conv2d', 37, false), 'tiled', 'slide', 'direct'),
  ...AWKWARD.map((c) => withKernels(c, 'tiled', 'slide', 'direct')),
  withKernels(usedRegion(AWKWARD[4], 6, 13), 'tiled', 'slide', 'rows'),
  // The one-input-channel row forward: the model's first layer and odd single-channel shapes.
  ...[1, 37, 128].map((b) => withKernels(modelCase('conv2d', b, false), 'cin1row', 'positions', 'direct')),
  withKernels(AWKWARD[2], 'cin1row', 'positions', 'direct'),
  {
    label: 'awkward H=4 W=19 Cin=1 Cout=12 B=3 (one channel, odd vec4 group count)',
    config: { name: 'row1', batch: 3, height: 4, width: 19, inChannels: 1, outChannels: 12, kernelOffset: 8, biasOffset: 120 },
    withInputGrad: true,
    kernels: { forward: 'conv2d.forward.cin1row' },
  },
  withKernels(AWKWARD[2], 'tile5x5', 'positions', 'direct'),
  usedRegion(withVariant(AWKWARD[3], 'rows'), 1, 2),
  usedRegion(AWKWARD[1], 2, 3),
  // The 6x6-tile input gradient (one dispatch per tile class): the model's used 10x10 at batch 37
  // and 128, the whole 11x11 output (last tile shifted), every awkward shape, small used
  // regions, and a large odd shape whose middle tiles form a class of their own (batch 1,
  // Cin 9: a ragged vec4 group). Each case compiles a pipeline per tile class (about 1 s on
  // SwiftShader), so shapes that add no new class are left out.
  ...[37, 128].map((b) => premasked(usedRegion(withVariant(modelCase('conv2d_1', b, true), 'tile6x6'), 10, 10))),
  withVariant(modelCase('conv2d_1', 3, true), 'tile6x6'),
  ...AWKWARD.map((c) => withVariant(c, 'tile6x6')),
  usedRegion(withVariant(AWKWARD[4], 'tile6x6'), 5, 4),
  usedRegion(withVariant(AWKWARD[3], 'tile6x6'), 1, 2),
  ...[
    { name: 'big9', batch: 1, height: 22, width: 27, inChannels: 9, outChannels: 8, kernelOffset: 4, biasOffset: 652 },
  ].map((config) =>
    usedRegion(
      { label: `awkward H=22 W=27 Cin=${config.inChannels} Cout=8 B=${config.batch} (tile classes of several tiles)`, config, withInputGrad: true, kernels: { 'backward-input': 'conv2d.backward-input.tile6x6' } },
      19,
      24,
    ),
  ),
  // Every registered forward, filter-gradient and input-gradient kernel on the awkward shapes it supports.
  ...[...CONV2D_FORWARD_KERNELS, ...CONV2D_FILTER_KERNELS, ...CONV2D_INPUT_KERNELS].flatMap((e) =>
    AWKWARD.filter((c) => e.supports(c.config) === true).slice(0, 2).map((c) => ({
      ...c,
      kernels: { [e.pass]: e.id },
    })),
  ),
]);

function uniform(n: number, lo: number, hi: number, rng: ReturnType<typeof createRng>): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.nextFloat();
  return a;
}

describe('conv2d layer vs float64 reference', () => {
  for (const c of CASES) {
    it(caseName(c), async () => {
      const { root, device } = await getGpu();
      const cfg = c.config;
      const { batch: B, height: H, width: W, inChannels: CIN, outChannels: COUT } = cfg;
      const s = conv2dShape(cfg);
      const split = CONV2D_FILTER_KERNELS.find((e) => e.id === caseKernels(c)[1])!.split(cfg);
      const kSize = 9 * CIN * COUT;
      const paramLen = Math.ceil((cfg.biasOffset + COUT) / 4) * 4 + 8;
      const rng = createRng(1000 + B * 7 + CIN * 13 + H);

      const x = uniform(B * H * W * CIN, 0, 1, rng);
      const limit = Math.sqrt(6 / (9 * CIN + 9 * COUT));
      const params = uniform(paramLen, -1, 1, rng); // non-parameter entries are noise the kernels must ignore
      const kernel = uniform(kSize, -limit, limit, rng);
      const bias = uniform(COUT, -0.1, 0.1, rng);
      params.set(kernel, cfg.kernelOffset);
      params.set(bias, cfg.biasOffset);
      const dy = uniform(s.positions * COUT, -0.01, 0.01, rng);
      // A used region's contract: the output gradient is zero outside it.
      for (let i = 0; i < dy.length; i++) if (!inUsedOutput(s, COUT, i)) dy[i] = 0;

      const xBuf = createBufferWith(device, x, 'x');
      const pBuf = createBufferWith(device, params, 'params');
      const gradsBuf = createBufferWith(device, new Float32Array(paramLen).fill(SENTINEL), 'grads');
      const yBuf = createStorageBuffer(device, s.positions * COUT * 4, 'y');
      const dyBuf = createBufferWith(device, dy, 'dy');
      const dxBuf = c.withInputGrad ? createBufferWith(device, new Float32Array(x.length).fill(NaN), 'dx') : undefined;

      const logs: string[] = [];
      await expectNoGpuErrors(device, async () => {
        const layer = createConv2d({ root, device }, cfg, {
          input: xBuf,
          output: yBuf,
          params: pBuf,
          grads: gradsBuf,
          outputGrad: dyBuf,
          ...(dxBuf ? { inputGrad: dxBuf } : {}),
        }, { kernels: chooserOf(c) });
        // Every dispatch comes from the entries the case asked for (or the fixed rule's).
        expect(new Set([...layer.forward, ...layer.backward].map((d) => d.kernel?.id))).toEqual(new Set([...caseKernels(c), 'conv2d.backward-reduce.chunks']));
        expect(layer.inference).toEqual(layer.forward);
        const maskPasses = cfg.outputGradMasked ? 0 : 1;
        expect(layer.backward.length).toBeGreaterThanOrEqual((c.withInputGrad ? 3 : 2) + maskPasses);
        // 'tile6x6' dispatches once per (row class, column class) of its tiles.
        const grid = inputTileGrid(cfg);
        const dxDispatches = caseKernels(c).includes(TILE6X6_INPUT_ID) ? grid.rows.classes.length * grid.cols.classes.length : 1;
        expect(layer.backward.length).toBeLessThanOrEqual((c.withInputGrad ? 3 + dxDispatches : 2) + maskPasses);

        let t0 = performance.now();
        runDispatches(device, layer.forward);
        const y = await readF32(device, yBuf, s.positions * COUT);
        const tFwd = performance.now() - t0;
        t0 = performance.now();
        runDispatches(device, layer.backward);
        const grads = await readF32(device, gradsBuf, paramLen);
        const dx = dxBuf ? await readF32(device, dxBuf, x.length) : undefined;
        const tBwd = performance.now() - t0;
        layer.destroy();

        // Reference: forward from the same float32 inputs; backward masks with the GPU's own y
        // (the kernel's contract), so that values within rounding of 0 cannot flip the mask.
        t0 = performance.now();
        const x64 = Float64Array.from(x);
        const k64 = Float64Array.from(kernel);
        const yRef = reluForward(conv2dForward(x64, k64, Float64Array.from(bias), B, H, W, CIN, COUT));
        // Outputs outside a used region are unspecified (the 'tile5x5' forward skips them).
        const usedIdx = [...Array(y.length).keys()].filter((i) => inUsedOutput(s, COUT, i));
        logs.push(compare('forward y', Float32Array.from(usedIdx, (i) => y[i]), Float64Array.from(usedIdx, (i) => yRef[i]), 9 * CIN));
        // A pre-masked gradient is used as it is (a layer that masked it again would zero
        // the entries where y = 0 and fail here).
        const g = cfg.outputGradMasked ? Float64Array.from(dy) : reluBackward(Float64Array.from(dy), Float64Array.from(y));
        const ref = conv2dBackward(g, x64, k64, B, H, W, CIN, COUT);
        const tRef = performance.now() - t0;
        logs.push(compare('dk', grads.subarray(cfg.kernelOffset, cfg.kernelOffset + kSize), ref.dk, s.positions));
        logs.push(compare('db', grads.subarray(cfg.biasOffset, cfg.biasOffset + COUT), ref.db, s.positions));
        if (dx) logs.push(compare('dx', dx, ref.dx, 9 * COUT));

        // Only the layer's own slices of `grads` are written.
        for (let i = 0; i < paramLen; i++) {
          const own = (i >= cfg.kernelOffset && i < cfg.kernelOffset + kSize) || (i >= cfg.biasOffset && i < cfg.biasOffset + COUT);
          if (!own && grads[i] !== SENTINEL) throw new Error(`grads[${i}] outside the layer's slices was written`);
        }
        logs.push(
          `chunks ${split.chunks} x ${split.chunk} positions; gpu fwd ${tFwd.toFixed(0)} ms, bwd ${tBwd.toFixed(0)} ms (incl. readback, first run compiles), ref ${tRef.toFixed(0)} ms`,
        );
      });
      console.log(`conv2d ${c.label}\n  ${logs.join('\n  ')}`);
      for (const b of [xBuf, pBuf, gradsBuf, yBuf, dyBuf, dxBuf]) b?.destroy();
    });
  }

  for (const c of [modelCase('conv2d', 5, false), modelCase('conv2d_1', 37, true), AWKWARD[0]]) {
    it(`inference-only ${c.label}: no backward, same forward`, async () => {
      const { root, device } = await getGpu();
      const cfg = c.config;
      const s = conv2dShape(cfg);
      const paramLen = Math.ceil((cfg.biasOffset + cfg.outChannels) / 4) * 4 + 8;
      const rng = createRng(77 + cfg.batch);
      const xBuf = createBufferWith(device, uniform(cfg.batch * cfg.height * cfg.width * cfg.inChannels, 0, 1, rng), 'x');
      const pBuf = createBufferWith(device, uniform(paramLen, -0.3, 0.3, rng), 'params');
      const yN = s.positions * cfg.outChannels;
      const yTrain = createBufferWith(device, new Float32Array(yN).fill(NaN), 'y (training layer)');
      const yInfer = createBufferWith(device, new Float32Array(yN).fill(NaN), 'y (inference-only layer)');
      const grads = createStorageBuffer(device, paramLen * 4, 'grads');
      const dy = createStorageBuffer(device, yN * 4, 'dy');
      await expectNoGpuErrors(device, async () => {
        const train = createConv2d({ root, device }, cfg, { input: xBuf, output: yTrain, params: pBuf, grads, outputGrad: dy });
        const infer = createConv2d({ root, device }, { ...cfg, inferenceOnly: true }, { input: xBuf, output: yInfer, params: pBuf });
        expect(train.backward.length).toBeGreaterThan(0);
        expect(infer.backward).toEqual([]);
        expect(infer.forward.length).toBe(1);
        expect(infer.inference).toEqual(infer.forward);
        runDispatches(device, [...train.forward, ...infer.forward]);
        const a = await readF32(device, yTrain, yN);
        const b = await readF32(device, yInfer, yN);
        let diff = 0;
        for (let i = 0; i < yN; i++) if (!(a[i] === b[i])) diff++;
        console.log(`conv2d inference-only ${c.label}: ${infer.forward.length} forward / ${infer.backward.length} backward dispatches, ${diff} differing outputs`);
        expect(diff).toBe(0);
        train.destroy();
        infer.destroy();
      });
      for (const b of [xBuf, pBuf, yTrain, yInfer, grads, dy]) b.destroy();
    });
  }

  // Evaluation's conv2d + ReLU + floor 2x2 max-pool in one kernel ('cin1pool'): the float64
  // reference maxpool(relu(conv)) and the unfused path (cin1row forward, then the evaluation
  // pooling kernel) on the same inputs. Odd conv outputs check the floor (last row/column dropped).
  const POOLED: Array<{ label: string; config: Conv2dConfig }> = [
    { label: 'conv2d B=1', config: modelCase('conv2d', 1, false).config },
    { label: 'conv2d B=37', config: modelCase('conv2d', 37, false).config },
    { label: 'H=7 W=9 Cout=8 B=2 (5x7 conv output: last row and column dropped)', config: { name: 'odd', batch: 2, height: 7, width: 9, inChannels: 1, outChannels: 8, kernelOffset: 8, biasOffset: 80 } },
    { label: 'H=6 W=5 Cout=12 B=3 (odd vec4 group count, 2x1 pooled)', config: { name: 'odd2', batch: 3, height: 6, width: 5, inChannels: 1, outChannels: 12, kernelOffset: 0, biasOffset: 108 } },
    { label: 'H=4 W=4 Cout=4 B=5 (1x1 pooled)', config: { name: 'tiny', batch: 5, height: 4, width: 4, inChannels: 1, outChannels: 4, kernelOffset: 4, biasOffset: 40 } },
  ];
  for (const c of POOLED) {
    it(`pooled inference (cin1pool) ${c.label}: maxpool(relu(conv)) vs float64 and the unfused kernels`, async () => {
      const { root, device } = await getGpu();
      const cfg: Conv2dConfig = { ...c.config, inferenceOnly: true };
      const { batch: B, height: H, width: W, outChannels: C } = cfg;
      const s = conv2dShape(cfg);
      const PH = Math.floor(s.outHeight / 2);
      const PW = Math.floor(s.outWidth / 2);
      const paramLen = Math.ceil((cfg.biasOffset + C) / 4) * 4 + 8;
      const rng = createRng(301 + B * H);
      const x = uniform(B * H * W, 0, 1, rng);
      const p = uniform(paramLen, -0.5, 0.5, rng);
      const xBuf = createBufferWith(device, x, 'x');
      const pBuf = createBufferWith(device, p, 'params');
      const pooledN = B * PH * PW * C;
      const fused = createBufferWith(device, new Float32Array(pooledN).fill(NaN), 'pooled (fused)');
      const unfused = createBufferWith(device, new Float32Array(pooledN).fill(NaN), 'pooled (unfused)');
      const y = createStorageBuffer(device, s.positions * C * 4, 'y (unfused)');
      await expectNoGpuErrors(device, async () => {
        const layer = createConv2d({ root, device }, cfg, { input: xBuf, pooledOutput: fused, params: pBuf });
        expect(layer.backward).toEqual([]);
        expect(layer.inference).toEqual(layer.forward);
        expect(layer.forward.length).toBe(1);
        const conv = createConv2d({ root, device }, cfg, { input: xBuf, output: y, params: pBuf }, { kernels: layerChooser({ forward: 'conv2d.forward.cin1row' }) });
        const pool = createPoolDropout(
          { root, device },
          { name: 'pool', batch: B, height: s.outHeight, width: s.outWidth, channels: C, rate: 0, layerId: 1, inferenceOnly: true },
          { input: y, output: unfused },
        );
        runDispatches(device, [...layer.inference, ...conv.inference, ...pool.inference]);
        const got = await readF32(device, fused, pooledN);
        const twoKernels = await readF32(device, unfused, pooledN);
        const k = Float64Array.from(p.subarray(cfg.kernelOffset, cfg.kernelOffset + 9 * C));
        const bias = Float64Array.from(p.subarray(cfg.biasOffset, cfg.biasOffset + C));
        const ref = maxpool2x2Forward(reluForward(conv2dForward(Float64Array.from(x), k, bias, B, H, W, 1, C)), B, s.outHeight, s.outWidth, C).y;
        const log = compare('pooled', got, ref, 9);
        let maxVsUnfused = 0;
        for (let i = 0; i < pooledN; i++) maxVsUnfused = Math.max(maxVsUnfused, Math.abs(got[i] - twoKernels[i]));
        console.log(`conv2d cin1pool ${c.label}: ${log}; max |fused - unfused| ${maxVsUnfused.toExponential(2)}`);
        // Same expressions in the same order: equal up to the compiler's freedom to contract (none on SwiftShader).
        expect(maxVsUnfused).toBeLessThanOrEqual(1e-6);
        layer.destroy();
        conv.destroy();
        pool.destroy();
      });
      for (const b of [xBuf, pBuf, fused, unfused, y]) b.destroy();
    });
  }

  it('every registered kernel of the layer runs in some case above', () => {
    const run = new Set([...CASES.flatMap(caseKernels), 'conv2d.backward-reduce.chunks', CONV2D_POOLED_KERNEL.id]);
    expect(CONV2D_KERNELS.map((e) => e.id).filter((id) => !run.has(id))).toEqual([]);
  });

  it('rejects shapes the kernels do not support', async () => {
    const { root, device } = await getGpu();
    const base: Conv2dConfig = { name: 'bad', batch: 1, height: 5, width: 5, inChannels: 1, outChannels: 6, kernelOffset: 0, biasOffset: 56 };
    const dummy = createStorageBuffer(device, 16, 'dummy');
    const bufs = { input: dummy, output: dummy, params: dummy, grads: dummy, outputGrad: dummy };
    expect(() => createConv2d({ root, device }, base, bufs)).toThrow(/multiple of 4/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8, kernelOffset: 2 }, bufs)).toThrow(/multiples of 4/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8, height: 2 }, bufs)).toThrow(/smaller than/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8 }, { input: dummy, output: dummy, params: dummy })).toThrow(/inferenceOnly/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8, inChannels: 2, biasOffset: 144 }, bufs, { kernels: layerChooser({ forward: 'conv2d.forward.cin1row' }) })).toThrow(/cin1row does not support it: needs 1 input channel/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8, usedOutputHeight: 4 }, bufs)).toThrow(/usedOutputHeight/);
    const pooled = { input: dummy, pooledOutput: dummy, params: dummy };
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8 }, pooled)).toThrow(/inferenceOnly/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8, inChannels: 2, biasOffset: 144, inferenceOnly: true }, pooled)).toThrow(/1 input channel/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8, height: 3, inferenceOnly: true }, pooled)).toThrow(/at least 2x2/);
    expect(() => createConv2d({ root, device }, { ...base, outChannels: 8, inferenceOnly: true }, { input: dummy, params: dummy })).toThrow(/output buffer is required/);
    dummy.destroy();
  });
});
