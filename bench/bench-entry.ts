import { seedBuffers } from './seed-buffers.ts';
import { DEFAULT_MODEL } from '../src/model/presets.ts';
// The benchmark itself, wherever WebGPU comes from (the page: bench-page.ts; Node: the
// `webgpu` package): validates one real training step layer by layer against the float64
// reference, then times every kernel alone, the kernel variants side by side, the whole
// training step and inference.
import { acquireGpu, describeAdapter } from '../src/gpu/device.ts';
import { createStorageBuffer } from '../src/gpu/buffers.ts';
import { encodeDispatches, type Dispatch } from '../src/gpu/kernel.ts';
import type { Mnist } from '../src/data/mnist.ts';
import { initParams } from '../src/model/init.ts';
import { PARAM_BUFFER_LENGTH, paramSpec } from '../src/model/params.ts';
import { C0, C1, C2, H1, IMAGE, P1, CLASSES, FLAT, HIDDEN, USED2 } from '../src/model/architecture.ts';
import { createPoolDropout } from '../src/layers/pool-dropout.ts';
import { Rng } from '../src/model/rng.ts';
import { createBufferWith, readF32 } from '../src/gpu/buffers.ts';
import { createOptimizer } from '../src/layers/optimizer.ts';
import { createStepBegin, createStepEnd, createStepState } from '../src/layers/step-state.ts';
import { createDense, defaultDenseVariant, denseVariantAllowed, DENSE_VARIANTS, type DenseVariant } from '../src/layers/dense.ts';
import { conv2dShape, createConv2d, defaultFilterVariant, inUsedOutput, defaultForwardVariant, defaultInputVariant, type Conv2dFilterVariant, type Conv2dForwardVariant, type Conv2dInputVariant } from '../src/layers/conv2d.ts';
import { uploadSplit } from '../src/train/dataset-gpu.ts';
import { Pass, identityOrder } from '../src/train/pass.ts';
import { STEPS_PER_SUBMIT } from '../src/train/trainer.ts';
import { validateStep } from './validate-step.ts';
import { poolDropoutVariants } from './pool-dropout-variants.ts';
import { kernelCost, shaderOf } from './kernel-costs.ts';
import { GpuTimer } from '../src/gpu/timing.ts';
import { measureArithmeticFloor } from './arithmetic-floor.ts';
import { type BenchRequest, type BenchResult, type KernelRow, type VariantRow } from './bench-protocol.ts';

const SEED = 42;
const RATES = [0.25, 0.25, 0.5] as const;
const LR = 0.001;

export async function runBench(req: BenchRequest, source: { gpu: GPU | undefined; loadData(): Promise<Mnist> }): Promise<BenchResult> {
  const gpu = await acquireGpu(source.gpu);
  const { device, root } = gpu;
  const ctx = { device, root };
  const data = await source.loadData();
  const B = req.batch;

  // One training setup at batch B on real MNIST.
  const w0 = initParams(DEFAULT_MODEL.params, SEED);
  const params = createBufferWith(device, w0, 'params');
  const grads = createStorageBuffer(device, PARAM_BUFFER_LENGTH * 4, 'grads');
  const m = createStorageBuffer(device, PARAM_BUFFER_LENGTH * 4, 'm');
  const v = createStorageBuffer(device, PARAM_BUFFER_LENGTH * 4, 'v');
  const state = createStepState(device, SEED);
  const trainData = uploadSplit(device, data.train, data.train.count, DEFAULT_MODEL.inputSize, 'train');
  const pass = new Pass(ctx, DEFAULT_MODEL, { label: 'bench', count: B, batch: B, training: true }, { data: trainData, params, grads, state });
  const order = identityOrder(data.train.count);
  new Rng(SEED).shuffle(order);
  const batchIndices = order.slice(0, B);
  pass.setOrder(batchIndices);
  const optimizer = createOptimizer(ctx, { kind: 'adam', length: PARAM_BUFFER_LENGTH, lr: LR }, { params, grads, m, v, state });
  const step: Dispatch[] = [createStepBegin(ctx, state), ...pass.trainBatch(0), optimizer.dispatch, createStepEnd(ctx, state)];

  // 1. Validate one step, layer by layer, before timing anything.
  const encoder = device.createCommandEncoder();
  encodeDispatches(encoder, step);
  device.queue.submit([encoder.finish()]);
  const plan = pass.mainPlan;
  const validation = await validateStep(device, {
    plan, paramsBefore: w0, paramsAfter: params, grads, images: data.train.images, indices: batchIndices,
    seed: SEED, step: 1, rates: RATES, learningRate: LR,
  });
  const failed = validation.filter((c) => !c.ok);
  if (failed.length) {
    throw new Error(`validation failed; not timing wrong kernels: ${failed.map((c) => `${c.name} (error ${c.error.toExponential(2)} > ${c.tolerance})`).join('; ')}`);
  }

  // 2. Every kernel alone.
  const timer = new GpuTimer(device, gpu.hasTimestamps);
  const wall = new GpuTimer(device, false);
  const budget = { budgetMs: req.quick ? 50 : req.kernelBudgetMs, minReps: req.quick ? 1 : 3, maxReps: req.quick ? 2 : 50 };
  // Each dispatch of each layer timed alone at `batch`, with its share of the summed time.
  const timeLayers = async (list: { name: string; forward: Dispatch[]; backward: Dispatch[] }[], batch: number) => {
    const out: KernelRow[] = [];
    for (const layer of list) {
      for (const [passName, dispatches] of [['forward', layer.forward], ['backward', layer.backward]] as const) {
        // Consecutive dispatches of one shader (e.g. 'tile6x6' dx, one per tile class) form one row.
        const runs: Dispatch[][] = [];
        for (const d of dispatches) {
          const last = runs[runs.length - 1];
          if (last && shaderOf(last[0].pipeline.label) === shaderOf(d.pipeline.label)) last.push(d);
          else runs.push([d]);
        }
        for (const run of runs) {
          const shader = shaderOf(run[0].pipeline.label);
          const cost = kernelCost(layer.name, shader, batch);
          const t = await timer.time(run, budget);
          out.push({
            name: `${layer.name} ${passName} ${shader}${run.length > 1 ? ` (${run.length} dispatches)` : ''}`,
            layer: layer.name,
            shader,
            shape: cost?.shape ?? '',
            ms: t.ms,
            gflops: cost ? cost.flops / t.ms / 1e6 : 0,
            gbps: cost ? cost.bytes / t.ms / 1e6 : 0,
            reps: t.reps,
            share: 0,
          });
        }
      }
    }
    const total = out.reduce((a, r) => a + r.ms, 0);
    for (const r of out) r.share = r.ms / total;
    return out;
  };
  const rows = await timeLayers([...plan.layers, { name: 'optimizer', forward: [optimizer.dispatch], backward: [] }], B);

  // 3. Kernel variants side by side: conv2d_1's input gradient. The timing runs above moved
  // the buffers on (the optimizer ran many times), so every variant runs here on the same
  // inputs and is compared with the promoted variant (the one the step validation checked).
  const variants: VariantRow[] = [];
  // Max |a - b| relative to max |b|: each variant against the promoted one on the same inputs.
  const relErr = (a: Float32Array, b: Float32Array) => {
    let maxDiff = 0;
    let maxRef = 0;
    for (let i = 0; i < b.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      maxRef = Math.max(maxRef, Math.abs(b[i]));
    }
    return maxDiff / (maxRef + 1e-30);
  };
  const paramsBefore = createBufferWith(device, w0, 'params before');
  const scratchGrads = createStorageBuffer(device, PARAM_BUFFER_LENGTH * 4, 'scratch grads');
  let promotedDx: Float32Array | undefined;
  // conv2d_1 as the plan builds it: the floor pool after it reads 10x10 of its 11x11 outputs.
  const used = USED2;
  const conv2Base = {
    batch: B, height: P1, width: P1, inChannels: C1, outChannels: C2,
    kernelOffset: paramSpec('conv2d_1/kernel').offset, biasOffset: paramSpec('conv2d_1/bias').offset,
  };
  const dxVariants: Array<[Conv2dInputVariant, boolean]> = [['tile6x6', true], ['rows', true], ['rows', false], ['transposed', true], ['direct', true], ['tile4x4', true]];
  for (const [variant, withUsed] of dxVariants) {
    const scratch = createStorageBuffer(device, B * P1 * P1 * C1 * 4, `dx ${variant}`);
    const cfg = { ...conv2Base, name: `conv2d_1 ${variant}`, ...(withUsed ? { usedOutputHeight: used, usedOutputWidth: used } : {}) };
    const layer = createConv2d(
      ctx,
      cfg,
      { input: seedBuffers(plan).d1, output: seedBuffers(plan).a2, params: paramsBefore, grads: scratchGrads, outputGrad: seedBuffers(plan).dA2, inputGrad: scratch },
      { inputVariant: variant },
    );
    const e = device.createCommandEncoder();
    encodeDispatches(e, [...layer.forward, ...layer.backward]);
    device.queue.submit([e.finish()]);
    const dx = await readF32(device, scratch);
    const ref = (promotedDx ??= dx);
    const input = layer.backward.filter((d) => /^conv2d_backward_(input|kernel_transpose)/.test(shaderOf(d.pipeline.label)));
    const t = await timer.time(input, budget);
    const cost = kernelCost('conv2d_1', 'conv2d_backward_input', B)!;
    // Only 'rows' and 'tile6x6' skip the unused row and column; the others compute them from zeros.
    const tileClasses = input.length - 1; // the dx dispatches after the kernel transpose
    const region = variant === 'rows' ? (withUsed ? ` (skips unused ${P1 - 2}th row/col)` : ' (all 11x11 outputs)') : variant === 'tile6x6' ? ` (used region, ${tileClasses} tile classes)` : '';
    variants.push({
      name: `conv2d_1 backward input: ${variant}${region}`, ms: t.ms, gflops: cost.flops / t.ms / 1e6, error: relErr(dx, ref),
      promoted: withUsed && variant === defaultInputVariant(cfg),
    });
    layer.destroy();
    scratch.destroy();
  }
  // Forward and filter-gradient (+ reduce) variants of both conv layers on the step's own
  // inputs, each validated against the first variant's y and dk/db.
  for (const conv of ['conv2d', 'conv2d_1'] as const) {
    const first = conv === 'conv2d';
    const cfg = {
      name: conv, batch: B, kernelOffset: paramSpec(`${conv}/kernel`).offset, biasOffset: paramSpec(`${conv}/bias`).offset,
      ...(first
        ? { height: IMAGE, width: IMAGE, inChannels: C0, outChannels: C1 }
        : { height: P1, width: P1, inChannels: C1, outChannels: C2, usedOutputHeight: used, usedOutputWidth: used }),
    };
    const yLen = B * (cfg.height - 2) * (cfg.width - 2) * cfg.outChannels;
    const kLen = 9 * cfg.inChannels * cfg.outChannels;
    let ref: { y: Float32Array; dk: Float32Array; db: Float32Array } | undefined;
    const kernelPairs: Array<[Conv2dForwardVariant, Conv2dFilterVariant, boolean]> = first
      ? [['cin1row', 'positions', true], ['tile4x4', 'rows', true], ['tiled', 'slide', true]]
      : [['tile5x5', 'slide', true], ['tiled', 'positions', true], ['tile4x4', 'rows', true], ['tile4x4', 'positions', false]];
    const timedForward = new Set<Conv2dForwardVariant>();
    // Forward outputs compared inside the used region only ('tile5x5' leaves the rest unwritten).
    const outShape = conv2dShape(cfg);
    const usedPart = (a: Float32Array) => a.map((v, i) => (inUsedOutput(outShape, cfg.outChannels, i) ? v : 0));
    for (const [fwd, dk, withUsed] of kernelPairs) {
      const y = createStorageBuffer(device, yLen * 4, `${conv} y ${fwd}`);
      const { usedOutputHeight: _h, usedOutputWidth: _w, ...whole } = cfg as typeof cfg & { usedOutputHeight?: number; usedOutputWidth?: number };
      const layer = createConv2d(
        ctx,
        { ...(withUsed ? cfg : whole), name: `${conv} ${fwd}/${dk}` },
        { input: first ? seedBuffers(plan).x0 : seedBuffers(plan).d1, output: y, params: paramsBefore, grads: scratchGrads, outputGrad: first ? seedBuffers(plan).dA1 : seedBuffers(plan).dA2 },
        { forwardVariant: fwd, filterVariant: dk },
      );
      const e = device.createCommandEncoder();
      encodeDispatches(e, [...layer.forward, ...layer.backward]);
      device.queue.submit([e.finish()]);
      const g = await readF32(device, scratchGrads);
      const out = {
        y: usedPart(await readF32(device, y)),
        dk: g.slice(cfg.kernelOffset, cfg.kernelOffset + kLen),
        db: g.slice(cfg.biasOffset, cfg.biasOffset + cfg.outChannels),
      };
      ref ??= out;
      if (!timedForward.has(fwd)) {
        timedForward.add(fwd);
        const tf = await timer.time(layer.forward, budget);
        const fCost = kernelCost(conv, 'conv2d_forward', B)!;
        const fRegion = fwd === 'tile5x5' ? ' (used 10x10 only)' : '';
        variants.push({ name: `${conv} forward: ${fwd}${fRegion}`, ms: tf.ms, gflops: fCost.flops / tf.ms / 1e6, error: relErr(out.y, ref.y), promoted: fwd === defaultForwardVariant(cfg) });
      }
      const filterList = layer.backward.filter((d) => /^conv2d_backward_filter/.test(shaderOf(d.pipeline.label)));
      const tk = await timer.time(filterList, budget);
      const kCost = kernelCost(conv, 'conv2d_backward_filter', B)!;
      // 'positions' and 'slide' skip conv2d_1's unused row and column when the layer declares them; 'rows' never does.
      const region = first || dk === 'rows' ? '' : withUsed ? ' (skips unused row/col)' : ' (all 11x11 outputs)';
      variants.push({
        name: `${conv} filter+reduce: ${dk}${region}`, ms: tk.ms, gflops: kCost.flops / tk.ms / 1e6,
        error: Math.max(relErr(out.dk, ref.dk), relErr(out.db, ref.db)), promoted: withUsed && dk === defaultFilterVariant(cfg),
      });
      layer.destroy();
      y.destroy();
    }
  }

  // Evaluation's conv2d + ReLU + max_pooling2d: the fused kernel vs the two kernels it replaces,
  // on the step's own images; the unfused pooled output compared with the fused one.
  {
    const cfg = {
      name: 'conv2d', batch: B, height: IMAGE, width: IMAGE, inChannels: C0, outChannels: C1, inferenceOnly: true,
      kernelOffset: paramSpec('conv2d/kernel').offset, biasOffset: paramSpec('conv2d/bias').offset,
    };
    const y = createStorageBuffer(device, B * H1 * H1 * C1 * 4, 'conv2d y (unfused)');
    const pooledFused = createStorageBuffer(device, B * P1 * P1 * C1 * 4, 'conv2d pooled (fused)');
    const pooledUnfused = createStorageBuffer(device, B * P1 * P1 * C1 * 4, 'conv2d pooled (unfused)');
    const fused = createConv2d(ctx, cfg, { input: seedBuffers(plan).x0, pooledOutput: pooledFused, params: paramsBefore });
    const conv = createConv2d(ctx, cfg, { input: seedBuffers(plan).x0, output: y, params: paramsBefore }, { forwardVariant: 'cin1row' });
    const pool = createPoolDropout(
      ctx,
      { name: 'max_pooling2d', batch: B, height: H1, width: H1, channels: C1, rate: 0, layerId: 1, inferenceOnly: true },
      { input: y, output: pooledUnfused },
    );
    const e = device.createCommandEncoder();
    encodeDispatches(e, [...fused.inference, ...conv.inference, ...pool.inference]);
    device.queue.submit([e.finish()]);
    const ref = await readF32(device, pooledFused);
    const other = await readF32(device, pooledUnfused);
    const cost = kernelCost('conv2d', 'conv2d_forward', B)!;
    const tUnfused = await timer.time([...conv.inference, ...pool.inference], budget);
    const tFused = await timer.time(fused.inference, budget);
    variants.push(
      { name: 'conv2d+max_pooling2d inference: cin1row + pool (2 kernels)', ms: tUnfused.ms, gflops: cost.flops / tUnfused.ms / 1e6, error: relErr(other, ref), promoted: false },
      { name: 'conv2d+max_pooling2d inference: cin1pool (fused)', ms: tFused.ms, gflops: cost.flops / tFused.ms / 1e6, error: 0, promoted: true },
    );
    for (const l of [fused, conv, pool]) l.destroy();
    for (const b of [y, pooledFused, pooledUnfused]) b.destroy();
  }

  // Fused pool + dropout (+ the conv's ReLU mask) and dropout_2 + dense's ReLU mask vs unfused.
  variants.push(...(await poolDropoutVariants(ctx, plan, params, state, RATES, timer, budget)));

  // Dense (1600->128) kernel variants on the step's own inputs (d2, the masked dH), each
  // kernel timed alone and its y / dx / dW+db compared with the promoted variant's.
  {
    const cfg = {
      name: 'dense', batch: B, inFeatures: FLAT, outFeatures: HIDDEN, activation: 'relu' as const, useBias: true, outputGradMasked: true,
      weightOffset: paramSpec('dense/kernel').offset, biasOffset: paramSpec('dense/bias').offset,
    };
    const promoted = defaultDenseVariant(cfg);
    const outs = new Map<DenseVariant, { y: Float32Array; dx: Float32Array; dw: Float32Array }>();
    const times = new Map<DenseVariant, [number, number, number]>();
    for (const variant of DENSE_VARIANTS) {
      if (!denseVariantAllowed(cfg, variant)) continue;
      const y = createStorageBuffer(device, B * HIDDEN * 4, `dense y ${variant}`);
      const dx = createStorageBuffer(device, B * FLAT * 4, `dense dx ${variant}`);
      const layer = createDense(
        ctx,
        { ...cfg, name: `dense ${variant}` },
        { input: seedBuffers(plan).d2, output: y, params: paramsBefore, grads: scratchGrads, outputGrad: seedBuffers(plan).dH, inputGrad: dx },
        { variant },
      );
      const e = device.createCommandEncoder();
      encodeDispatches(e, [...layer.forward, ...layer.backward]);
      device.queue.submit([e.finish()]);
      const g = await readF32(device, scratchGrads);
      outs.set(variant, {
        y: await readF32(device, y),
        dx: await readF32(device, dx),
        // dW and db (db follows dW in the flat buffer, after alignment padding that stays untouched).
        dw: g.slice(cfg.weightOffset, cfg.biasOffset + HIDDEN),
      });
      const only = (re: RegExp) => layer.backward.filter((d) => re.test(shaderOf(d.pipeline.label)));
      const tf = await timer.time(layer.forward, budget);
      const tx = await timer.time(only(/^dense_backward_input/), budget);
      const tw = await timer.time(only(/^dense_backward_weights/), budget);
      times.set(variant, [tf.ms, tx.ms, tw.ms]);
      layer.destroy();
      y.destroy();
      dx.destroy();
    }
    const ref = outs.get(promoted)!;
    for (const [variant, [fMs, xMs, wMs]] of times) {
      const out = outs.get(variant)!;
      const rows = [
        ['forward', 'dense_forward', fMs, relErr(out.y, ref.y)],
        ['backward input', 'dense_backward_input', xMs, relErr(out.dx, ref.dx)],
        ['backward weights', 'dense_backward_weights', wMs, relErr(out.dw, ref.dw)],
      ] as const;
      for (const [what, shader, ms, error] of rows) {
        const cost = kernelCost('dense', shader, B)!;
        variants.push({ name: `dense ${what}: ${variant}`, ms, gflops: cost.flops / ms / 1e6, error, promoted: variant === promoted });
      }
    }
  }

  // 4. The whole training step, as the trainer submits it.
  const steps: Dispatch[] = [];
  for (let i = 0; i < STEPS_PER_SUBMIT; i++) steps.push(...step);
  const stepTiming = await wall.time(steps, { budgetMs: req.quick ? 0 : req.stepBudgetMs, minReps: req.quick ? 1 : 3, maxReps: req.quick ? 1 : 20 });
  const msPerStep = stepTiming.ms / STEPS_PER_SUBMIT;

  // 5. Inference at inferBatch on test images, GPU only and with the logits read back.
  const testData = uploadSplit(device, data.test, req.inferBatch, DEFAULT_MODEL.inputSize, 'test');
  const infer = new Pass(ctx, DEFAULT_MODEL, { label: 'infer', count: req.inferBatch, batch: req.inferBatch, training: false}, { data: testData, params, grads, state: createStepState(device, 0) });
  infer.setOrder(identityOrder(req.inferBatch));
  const inferTiming = await timer.time(infer.inferBatch(0), budget);
  // The same forward kernel by kernel (where inference time goes).
  const inferKernels = await timeLayers(infer.mainPlan.layers, req.inferBatch);
  // conv2d_1's forward beside its arithmetic-only twin, at the inference batch on its real input.
  const floor = await measureArithmeticFloor(
    ctx,
    {
      name: 'conv2d_1', batch: req.inferBatch, height: P1, width: P1, inChannels: C1, outChannels: C2, usedOutputHeight: USED2, usedOutputWidth: USED2,
      kernelOffset: paramSpec('conv2d_1/kernel').offset, biasOffset: paramSpec('conv2d_1/bias').offset,
    },
    { input: seedBuffers(infer.mainPlan).d1, params },
    timer,
    budget,
  );
  const staging = device.createBuffer({ size: req.inferBatch * CLASSES * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const withReadback: number[] = [];
  for (let i = 0; i < (req.quick ? 1 : 5); i++) {
    const t0 = performance.now();
    const e = device.createCommandEncoder();
    encodeDispatches(e, infer.inferBatch(0));
    e.copyBufferToBuffer(infer.logits(0), 0, staging, 0, staging.size);
    device.queue.submit([e.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    staging.unmap();
    withReadback.push(performance.now() - t0);
  }
  withReadback.sort((a, b) => a - b);

  const result: BenchResult = {
    adapter: { ...gpu.adapter, label: describeAdapter(gpu.adapter) },
    timing: timer.method,
    validation,
    kernels: rows,
    inferKernels,
    ...(floor ? { floor } : {}),
    variants,
    train: {
      ms_per_step: msPerStep,
      samples_per_s: (B / msPerStep) * 1000,
      epoch_seconds: (Math.ceil(54000 / B) * msPerStep) / 1000,
      batch: B,
      steps_per_submit: STEPS_PER_SUBMIT,
    },
    infer: {
      images_per_s: (req.inferBatch / inferTiming.ms) * 1000,
      ms_per_1000: (inferTiming.ms * 1000) / req.inferBatch,
      ms_with_readback: withReadback[withReadback.length >> 1],
      batch: req.inferBatch,
    },
  };
  device.destroy();
  return result;
}
