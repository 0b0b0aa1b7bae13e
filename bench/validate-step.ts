// Layer-by-layer validation of one real training step on the GPU: every kernel's output is
// compared with the float64 reference computed from the GPU's own inputs to that kernel
// (so errors do not compound and each row says which kernel is wrong). The benchmark runs
// it before timing anything; a GPU test runs it too.
import { seedBuffers } from './seed-buffers.ts';
import { C0, C1, C2, CLASSES, FLAT, H1, H2, HIDDEN, IMAGE, P1, P2, USED2 } from '../src/model/architecture.ts';
import { inUsedOutput } from '../src/layers/conv2d.ts';
import { PARAM_BUFFER_LENGTH, paramSpec } from '../src/model/params.ts';
import { readF32, readU32 } from '../src/gpu/buffers.ts';
import { dropoutMask } from '../src/layers/dropout-rng.ts';
import { conv2dBackward, conv2dForward } from '../test/reference/conv2d.ts';
import { denseBackward, denseForward } from '../test/reference/dense.ts';
import { dropoutBackward, dropoutForward } from '../test/reference/dropout.ts';
import { softmaxCrossEntropy } from '../test/reference/loss.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from '../test/reference/pool.ts';
import { reluForward } from '../test/reference/relu.ts';
import { adamStep } from '../test/reference/optim.ts';
import type { ModelPlan } from '../src/train/model-plan.ts';

export interface Check {
  /** Layer and pass, e.g. `conv2d_1 backward (filter)`. */
  name: string;
  /** max |gpu - ref| / (max |ref| + 1e-30), over the whole tensor. */
  error: number;
  tolerance: number;
  ok: boolean;
}

export interface StepSnapshot {
  plan: ModelPlan;
  /** Parameters before the step and after it; gradients of the step. */
  paramsBefore: Float32Array;
  paramsAfter: GPUBuffer;
  grads: GPUBuffer;
  /** Images (N, 28, 28) bytes and the indices that formed the batch. */
  images: Uint8Array;
  indices: Uint32Array;
  seed: number;
  step: number;
  rates: readonly [number, number, number];
  learningRate: number;
}

/** Float32 tolerance relative to the tensor's largest reference value. */
const TOL = 2e-5;

/** max |a - b| / max |b| over b's length; NaN counts as infinitely wrong. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < b.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Infinity : diff;
    maxRef = Math.max(maxRef, Math.abs(b[i]));
  }
  return maxDiff / (maxRef + 1e-30);
}

function compare(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, tolerance = TOL): Check {
  if (gpu.length < ref.length) throw new Error(`${name}: GPU tensor has ${gpu.length} values, expected ${ref.length}`);
  const error = relError(gpu, ref);
  return { name, error, tolerance, ok: error <= tolerance };
}

const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
const slice = (flat: Float32Array, name: string) => {
  const p = paramSpec(name);
  return f64(flat.subarray(p.offset, p.offset + p.size));
};
const mulMask = (x: Float64Array, y: ArrayLike<number>) => x.map((v, i) => (y[i] > 0 ? v : 0));

/** Reads every buffer of a training plan after one step and checks each kernel. */
export async function validateStep(device: GPUDevice, s: StepSnapshot): Promise<Check[]> {
  const B = s.plan.batch;
  const buf = seedBuffers(s.plan);
  const read = async (name: string, n: number) => f64(await readF32(device, buf[name], n));
  // Pooling + dropout are fused (pool_dropout): no pooled tensor before dropout is stored, and
  // the backward writes dA = dL/d(conv pre-activation) directly (no dP).
  const [x0, a1, d1, a2, d2, h, d3, logits] = await Promise.all([
    read('x0', B * IMAGE * IMAGE * C0),
    read('a1', B * H1 * H1 * C1),
    read('d1', B * P1 * P1 * C1),
    read('a2', B * H2 * H2 * C2),
    read('d2', B * FLAT),
    read('h', B * HIDDEN),
    read('d3', B * HIDDEN),
    read('logits', B * CLASSES),
  ]);
  const [dLogits, dD3, dH, dD2, dA2, dD1, dA1] = await Promise.all([
    read('dLogits', B * CLASSES),
    read('dD3', B * HIDDEN),
    read('dH', B * HIDDEN),
    read('dD2', B * FLAT),
    read('dA2', B * H2 * H2 * C2),
    read('dD1', B * P1 * P1 * C1),
    read('dA1', B * H1 * H1 * C1),
  ]);
  const labels = await readU32(device, buf.labels, B);
  const grads = await readF32(device, s.grads, PARAM_BUFFER_LENGTH);
  const after = await readF32(device, s.paramsAfter, PARAM_BUFFER_LENGTH);
  const w = s.paramsBefore;
  const checks: Check[] = [];
  const mask = (layer: number, count: number, rate: number) => dropoutMask(s.seed, s.step, layer, B * count, rate);

  // Forward.
  const pixels = new Float64Array(B * IMAGE * IMAGE);
  const refLabels = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const img = s.indices[b];
    refLabels[b] = -1;
    for (let i = 0; i < IMAGE * IMAGE; i++) pixels[b * IMAGE * IMAGE + i] = s.images[img * IMAGE * IMAGE + i] / 255;
  }
  checks.push(compare('gather (pixels / 255)', x0, pixels, 1e-7));
  checks.push(
    compare('conv2d forward (+bias, ReLU)', a1, reluForward(conv2dForward(x0, slice(w, 'conv2d/kernel'), slice(w, 'conv2d/bias'), B, IMAGE, IMAGE, C0, C1))),
  );
  const pool1 = maxpool2x2Forward(a1, B, H1, H1, C1);
  const m1 = mask(1, P1 * P1 * C1, s.rates[0]);
  checks.push(compare('max_pooling2d+dropout forward', d1, dropoutForward(pool1.y, m1, s.rates[0]), 1e-6));
  // The floor pool reads rows and columns 0..USED2-1 of conv2d_1's output; the layer computes only those.
  const a2Ref = reluForward(conv2dForward(d1, slice(w, 'conv2d_1/kernel'), slice(w, 'conv2d_1/bias'), B, P1, P1, C1, C2));
  const a2Region = { outHeight: H2, outWidth: H2, usedHeight: USED2, usedWidth: USED2 };
  const pooled = (i: number) => inUsedOutput(a2Region, C2, i);
  checks.push(compare('conv2d_1 forward (+bias, ReLU)', a2.map((v, i) => (pooled(i) ? v : 0)), a2Ref.map((v, i) => (pooled(i) ? v : 0))));
  const pool2 = maxpool2x2Forward(a2, B, H2, H2, C2);
  const m2 = mask(2, FLAT, s.rates[1]);
  checks.push(compare('max_pooling2d_1+dropout_1 forward', d2, dropoutForward(pool2.y, m2, s.rates[1]), 1e-6));
  checks.push(compare('dense forward (+bias, ReLU)', h, reluForward(denseForward(d2, slice(w, 'dense/kernel'), slice(w, 'dense/bias'), B, FLAT, HIDDEN))));
  const m3 = mask(3, HIDDEN, s.rates[2]);
  checks.push(compare('dropout_2 forward', d3, dropoutForward(h, m3, s.rates[2]), 1e-6));
  checks.push(compare('dense_1 forward (+bias)', logits, denseForward(d3, slice(w, 'dense_1/kernel'), slice(w, 'dense_1/bias'), B, HIDDEN, CLASSES)));
  const xent = softmaxCrossEntropy(logits, labels, B, CLASSES);
  checks.push(compare('softmax cross-entropy backward', dLogits, xent.dlogits));

  // Backward, each from the GPU's own upstream gradient.
  const g = (name: string, ref: Float64Array, tol = TOL) => {
    const p = paramSpec(name);
    checks.push(compare(`${name} gradient`, grads.subarray(p.offset, p.offset + p.size), ref, tol));
  };
  const dense1 = denseBackward(dLogits, d3, slice(w, 'dense_1/kernel'), B, HIDDEN, CLASSES);
  g('dense_1/kernel', dense1.dw);
  g('dense_1/bias', dense1.db);
  checks.push(compare('dense_1 backward (input)', dD3, dense1.dx));
  checks.push(compare('dropout_2 backward (+dense ReLU)', dH, mulMask(dropoutBackward(dD3, m3, s.rates[2]), h), 1e-6));
  const dense0 = denseBackward(mulMask(dH, h), d2, slice(w, 'dense/kernel'), B, FLAT, HIDDEN);
  g('dense/kernel', dense0.dw);
  g('dense/bias', dense0.db);
  checks.push(compare('dense backward (input, ReLU)', dD2, dense0.dx));
  const dP2 = dropoutBackward(dD2, m2, s.rates[1]);
  checks.push(compare('max_pooling2d_1+dropout_1 backward (+ReLU)', dA2, mulMask(maxpool2x2Backward(dP2, pool2.argmax, B, H2, H2, C2), a2), 1e-6));
  const conv1 = conv2dBackward(mulMask(dA2, a2), d1, slice(w, 'conv2d_1/kernel'), B, P1, P1, C1, C2);
  g('conv2d_1/kernel', conv1.dk);
  g('conv2d_1/bias', conv1.db);
  checks.push(compare('conv2d_1 backward (input, ReLU)', dD1, conv1.dx));
  const dP1 = dropoutBackward(dD1, m1, s.rates[0]);
  checks.push(compare('max_pooling2d+dropout backward (+ReLU)', dA1, mulMask(maxpool2x2Backward(dP1, pool1.argmax, B, H1, H1, C1), a1), 1e-6));
  const conv0 = conv2dBackward(mulMask(dA1, a1), x0, slice(w, 'conv2d/kernel'), B, IMAGE, IMAGE, C0, C1);
  g('conv2d/kernel', conv0.dk);
  g('conv2d/bias', conv0.db);

  // Optimizer (first Adam step from zero moments, on the GPU's gradients).
  const params = f64(w);
  adamStep(params, f64(grads), new Float64Array(PARAM_BUFFER_LENGTH), new Float64Array(PARAM_BUFFER_LENGTH), s.step, {
    lr: s.learningRate,
    beta1: Math.fround(0.9),
    beta2: Math.fround(0.999),
  });
  const delta = (a: ArrayLike<number>) => Float64Array.from({ length: PARAM_BUFFER_LENGTH }, (_, i) => a[i] - w[i]);
  checks.push(compare('adam update', delta(after), delta(params), 1e-3));
  void refLabels;
  return checks;
}
