// Layer-by-layer validation of one real training step on the GPU, for any model: every tensor
// the plan stores is compared with the float64 reference computed from the GPU's own inputs
// to the kernels that wrote it (so errors do not compound and each row says which layer is
// wrong). The plan's segments (src/layers/segments.ts) say which tensors exist: a fused
// segment is checked from each stored tensor to the next (conv2d, then max_pooling2d+dropout),
// forward and backward; then the loss, each layer's weight gradients and the optimizer.
// The benchmark and the interleaved rounds run it before timing a model; a GPU test runs it too.
import type { ModelInfo, LayerInfo } from '../src/model/model-info.ts';
import { shapeSize } from '../src/model/model-info.ts';
import { readF32, readU32 } from '../src/gpu/buffers.ts';
import { relError } from '../src/gpu/tolerance.ts';
import type { ModelPlan, PlanSegment } from '../src/train/model-plan.ts';
import { gpuDropoutMasks, layerBackward, layerForward, ownActivation, type LayerForward } from '../test/reference/sequential.ts';
import { activationBackward } from '../test/reference/activation.ts';
import { pool2dBackward, pool2dForward } from '../test/reference/pool2d.ts';
import { softmaxCrossEntropy } from '../test/reference/loss.ts';
import { adamStep } from '../test/reference/optim.ts';

export interface Check {
  /** Layer(s) and pass, e.g. `conv2d_1 forward (relu)`, `conv2d_1/kernel gradient`. */
  name: string;
  /** max |gpu - ref| / (max |ref| + 1e-30), over the whole tensor. */
  error: number;
  tolerance: number;
  ok: boolean;
}

export interface StepSnapshot {
  model: ModelInfo;
  /** The training plan that ran the step. */
  plan: ModelPlan;
  /** Parameters before the step and after it (Adam from zero moments); gradients of the step. */
  paramsBefore: Float32Array;
  paramsAfter: GPUBuffer;
  grads: GPUBuffer;
  /** Images (N, inputSize) bytes and the indices that formed the batch. */
  images: Uint8Array;
  indices: Uint32Array;
  /** The step state's seed and the step's number (they select the dropout masks). */
  seed: number;
  step: number;
  learningRate: number;
}

/** float32 tolerances relative to the tensor's largest reference value. */
const TOL = {
  /** Pixels / 255. */
  gather: 1e-7,
  /** Copies and elementwise maps (max pooling, dropout, activations). */
  elementwise: 1e-6,
  /** Sums (convolutions, dense, batch statistics, averages, softmax, weight gradients). */
  reduction: 2e-5,
  /** Updates small beside the values they change (Adam's, the moving statistics'). */
  update: 1e-3,
};

function compare(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, tolerance: number): Check {
  if (gpu.length < ref.length) throw new Error(`${name}: GPU tensor has ${gpu.length} values, expected ${ref.length}`);
  const error = relError(gpu, ref);
  return { name, error, tolerance, ok: error <= tolerance };
}

/** The rows of the batch's failed checks as one error (the bench and the rounds time no wrong kernels). */
export function throwOnFailure(checks: readonly Check[], what: string): void {
  const failed = checks.filter((v) => !v.ok);
  if (failed.length) {
    throw new Error(`${what}: validation failed; not timing wrong kernels: ${failed.map((v) => `${v.name} (error ${v.error.toExponential(2)} > ${v.tolerance})`).join('; ')}`);
  }
}

/** Whether a layer's float32 result comes out of a sum (its rows get the reduction tolerance). */
function reduces(l: LayerInfo): boolean {
  const t = l.spec.type;
  return t !== 'MaxPooling2D' && t !== 'Dropout' && t !== 'Flatten' && !(t === 'Activation' && l.spec.options.activation !== 'softmax');
}

/** Runs of a segment's layers between the tensors it stores: each ends at an inner layer or at the segment's end. */
function stagesOf(seg: PlanSegment, layers: (name: string) => LayerInfo): LayerInfo[][] {
  const stages: LayerInfo[][] = [[]];
  for (const name of seg.layers) {
    stages[stages.length - 1].push(layers(name));
    if (seg.inner.includes(name)) stages.push([]);
  }
  return stages.filter((s) => s.length > 0);
}

/** 1 where a pooling layer's windows read its (B, H, W, C) input, 0 where none does (rows and columns a 'valid' pool drops). */
function readByPool(l: LayerInfo, B: number): Float64Array {
  const ones = new Float64Array(B * shapeSize(l.inputShape)).fill(1);
  if (l.spec.type !== 'MaxPooling2D' && l.spec.type !== 'AveragePooling2D') return ones;
  const [H, W, C] = l.inputShape;
  const o = l.spec.options;
  const s = { B, H, W, C };
  const w = { ph: o.poolSize[0], pw: o.poolSize[1], sh: o.strides[0], sw: o.strides[1], padding: o.padding };
  const fwd = pool2dForward(ones, s, w, 'average');
  return pool2dBackward(new Float64Array(fwd.y.length).fill(1), fwd, s, w, 'average').map((v) => (v > 0 ? 1 : 0));
}

const where = (x: ArrayLike<number>, mask: Float64Array) => Float64Array.from(mask, (m, i) => (m ? x[i] : 0));
const suffix = (l: LayerInfo, last: boolean) => (ownActivation(l, last) === 'linear' ? '' : ` (${ownActivation(l, last)})`);

/** Reads every tensor of a training plan after one step and checks each against the reference. */
export async function validateStep(device: GPUDevice, s: StepSnapshot): Promise<Check[]> {
  const { model, plan } = s;
  const B = plan.batch;
  const lastLayer = model.layers[model.layers.length - 1];
  const isLast = (l: LayerInfo) => l === lastLayer;
  const byName = new Map(model.layers.map((l) => [l.spec.name, l]));
  const layerOf = (name: string) => byName.get(name) ?? (() => { throw new Error(`the plan names layer "${name}", which the model lacks`); })();
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`validation: the plan has no ${what}`);
    return v;
  };
  const cache = new Map<GPUBuffer, Promise<Float64Array>>();
  const read = (buffer: GPUBuffer, count: number) => {
    if (!cache.has(buffer)) cache.set(buffer, readF32(device, buffer, count).then((a) => Float64Array.from(a)));
    return cache.get(buffer)!.then((a) => (a.length === count ? a : a.subarray(0, count)));
  };
  const outCount = (l: LayerInfo) => B * shapeSize(l.outputShape);
  const activation = (l: LayerInfo) => read(need(plan.activations.get(l.spec.name), `output of ${l.spec.name}`), outCount(l));
  const gradientBuffer = (l: LayerInfo | undefined) => (l ? plan.gradients.get(l.spec.name) : undefined);

  const length = model.params.length;
  const w = s.paramsBefore;
  const [grads, after, labels] = await Promise.all([readF32(device, s.grads, length), readF32(device, s.paramsAfter, length), readU32(device, plan.labels, B)]);
  // The reference's parameters: the step's, with BatchNormalization's moving statistics updated by the forward.
  const refParams = Float64Array.from(w);
  const refGrads = new Float64Array(length);
  const masks = gpuDropoutMasks(model, s.seed, s.step);
  const checks: Check[] = [];

  // Gather.
  const pixels = new Float64Array(B * model.inputSize);
  for (let b = 0; b < B; b++) {
    const first = s.indices[b] * model.inputSize;
    for (let i = 0; i < model.inputSize; i++) pixels[b * model.inputSize + i] = Math.fround(s.images[first + i] / 255);
  }
  const input = await read(plan.input, B * model.inputSize);
  checks.push(compare('gather (pixels / 255)', input, pixels, TOL.gather));

  // Forward, stage by stage from the GPU's stored input of each.
  interface Stage {
    layers: LayerInfo[];
    /** The layer before the stage (undefined: the gathered images). */
    before: LayerInfo | undefined;
    /** The stage ends at an inner layer of a fusion (its stored gradient is dL/d the pre-activation). */
    inner: boolean;
    /** The layer after it in its segment (a pool reads only part of an inner conv's output). */
    next: LayerInfo | undefined;
    x: Float64Array[];
    fwd: LayerForward[];
  }
  const stages: Stage[] = [];
  let previous: LayerInfo | undefined;
  for (const seg of plan.segments) {
    if (seg.identity) {
      previous = layerOf(seg.layers[seg.layers.length - 1]);
      continue;
    }
    const runs = stagesOf(seg, layerOf);
    for (const [k, layers] of runs.entries()) {
      const stage: Stage = { layers, before: previous, inner: k < runs.length - 1, next: runs[k + 1]?.[0], x: [], fwd: [] };
      let h = previous ? await activation(previous) : input;
      for (const l of layers) {
        const f = layerForward(l, isLast(l), refParams, h, B, masks);
        stage.x.push(h);
        stage.fwd.push(f);
        h = f.y;
      }
      const out = layers[layers.length - 1];
      const gpu = await activation(out);
      // A pool inside the segment reads only part of the inner layer's output: the rest is never computed.
      const read = stage.inner && stage.next ? readByPool(stage.next, B) : undefined;
      const name = `${layers.map((l) => l.spec.name).join('+')} forward${suffix(out, isLast(out))}`;
      checks.push(compare(name, read ? where(gpu, read) : gpu, read ? where(h, read) : h, layers.some(reduces) ? TOL.reduction : TOL.elementwise));
      stages.push(stage);
      previous = out;
    }
  }

  // The loss: dL/d logits from the GPU's logits.
  const logits = await read(plan.logits, B * model.classes);
  const xent = softmaxCrossEntropy(logits, labels, B, model.classes);
  const dLogits = await read(need(gradientBuffer(lastLayer), 'gradient of the logits'), B * model.classes);
  checks.push(compare('softmax cross-entropy backward', dLogits, xent.dlogits, TOL.reduction));

  // Backward, stage by stage from the GPU's stored upstream gradient of each.
  for (const stage of [...stages].reverse()) {
    const out = stage.layers[stage.layers.length - 1];
    let dy = await read(need(gradientBuffer(out), `gradient of ${out.spec.name}`), outCount(out));
    for (let i = stage.layers.length - 1; i >= 0; i--) {
      const l = stage.layers[i];
      dy = layerBackward(l, isLast(l), refParams, stage.x[i], stage.fwd[i], dy, B, masks, refGrads, stage.inner && i === stage.layers.length - 1);
    }
    const names = stage.layers.map((l) => l.spec.name).join('+');
    for (const l of stage.layers) {
      for (const p of l.weights.filter((p) => p.trainable)) {
        checks.push(compare(`${p.name} gradient`, grads.subarray(p.offset, p.offset + p.size), refGrads.subarray(p.offset, p.offset + p.size), TOL.reduction));
      }
    }
    const before = stage.before;
    const target = gradientBuffer(before);
    if (!before || !target) continue; // nothing before it has weights: no input gradient
    const tol = stage.layers.some(reduces) ? TOL.reduction : TOL.elementwise;
    const gpu = await read(target, outCount(before));
    const previousStage = stages[stages.indexOf(stage) - 1];
    if (previousStage?.inner && previousStage.layers.includes(before)) {
      // The fusion applies the inner layer's activation derivative (on its stored output).
      const ref = activationBackward(dy, await activation(before), ownActivation(before, isLast(before)));
      checks.push(compare(`${names} backward (to ${before.spec.name}'s pre-activation)`, gpu, ref, tol));
    } else {
      checks.push(compare(`${names} backward (input)`, gpu, dy, tol));
    }
  }

  // BatchNormalization's moving statistics (updated by the forward) and Adam's first step
  // from zero moments on the GPU's gradients, as changes of the parameters.
  const delta = (a: ArrayLike<number>, p: { offset: number; size: number }) => Float64Array.from({ length: p.size }, (_, i) => a[p.offset + i] - w[p.offset + i]);
  for (const p of model.params.entries.filter((p) => !p.trainable)) {
    checks.push(compare(`${p.name} (moving update)`, delta(after, p), delta(refParams, p), TOL.update));
  }
  adamStep(refParams, Float64Array.from(grads), new Float64Array(length), new Float64Array(length), s.step, {
    lr: s.learningRate,
    beta1: Math.fround(0.9),
    beta2: Math.fround(0.999),
  });
  const trainable = model.params.entries.filter((p) => p.trainable);
  const changes = (a: ArrayLike<number>) => Float64Array.from(trainable.flatMap((p) => Array.from(delta(a, p))));
  checks.push(compare('adam update', changes(after), changes(refParams), TOL.update));
  return checks;
}
