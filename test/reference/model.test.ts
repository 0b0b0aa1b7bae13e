import { describe, expect, it } from 'vitest';
import { CLASSES, DROPOUT_RATES } from '../model/seed-architecture.ts';
import { initParams } from '../../src/model/init.ts';
import { PARAMS, PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { Rng } from '../../src/model/rng.ts';
import { randArray, report, type GradCheckResult } from './gradcheck.ts';
import { softmaxCrossEntropy } from './loss.ts';
import {
  modelBackward,
  modelForward,
  modelLossAndGrads,
  randomMasks,
  trainStep,
  type DropoutMasks,
  type ModelForward,
} from './model.ts';
import { adamStep } from './optim.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

/** ReLU signs and pooling arg-maxes: FD is only valid where these do not change. */
function samePattern(a: ModelForward, b: ModelForward): boolean {
  for (const k of ['z1', 'z2', 'z3'] as const) {
    const x = a[k];
    const y = b[k];
    for (let i = 0; i < x.length; i++) if (x[i] > 0 !== y[i] > 0) return false;
  }
  for (const k of ['arg1', 'arg2'] as const) {
    const x = a[k];
    const y = b[k];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

function checkModel(masks: DropoutMasks | null, label: string): void {
  const rng = new Rng(2024);
  const B = 2;
  const params = Float64Array.from(initParams(DEFAULT_MODEL.params, 42));
  // non-zero biases so that their gradients are exercised in a generic state
  for (const p of PARAMS) if (p.name.endsWith('/bias')) for (let i = 0; i < p.size; i++) params[p.offset + i] = 0.05 * (rng.nextFloat() - 0.3);
  const images = randArray(rng, B * 784, 0, 1);
  const labels = [3, 7];
  const base = modelForward(params, images, masks);
  const ce = softmaxCrossEntropy(base.logits, labels, B, CLASSES);
  const grads = modelBackward(params, base, ce.dlogits, masks);
  expect(grads.length).toBe(PARAM_BUFFER_LENGTH);

  const h = 1e-5;
  let worst = 0;
  for (const p of PARAMS) {
    const wanted = 8;
    // first, last and two arbitrary elements, then elements whose gradient is non-zero
    // (many are exactly zero through dead ReLUs and dropped units and would test nothing)
    const candidates = [0, p.size - 1, rng.nextInt(p.size), rng.nextInt(p.size)];
    for (let tries = 0; tries < 5000 && candidates.length < 40; tries++) {
      const c = rng.nextInt(p.size);
      if (grads[p.offset + c] !== 0) candidates.push(c);
    }
    let maxAbsDiff = 0;
    let maxMag = 0;
    let maxElemRelErr = 0;
    let checked = 0;
    let skipped = 0;
    for (const c of candidates) {
      if (checked >= wanted) break;
      const i = p.offset + c;
      const orig = params[i];
      params[i] = orig + h;
      const fp = modelForward(params, images, masks);
      params[i] = orig - h;
      const fm = modelForward(params, images, masks);
      params[i] = orig;
      if (!samePattern(base, fp) || !samePattern(base, fm)) {
        skipped++;
        continue;
      }
      const lp = softmaxCrossEntropy(fp.logits, labels, B, CLASSES).loss;
      const lm = softmaxCrossEntropy(fm.logits, labels, B, CLASSES).loss;
      const num = (lp - lm) / (2 * h);
      const a = grads[i];
      const d = Math.abs(a - num);
      maxAbsDiff = Math.max(maxAbsDiff, d);
      maxMag = Math.max(maxMag, Math.abs(a), Math.abs(num));
      maxElemRelErr = Math.max(maxElemRelErr, d / Math.max(1e-8, Math.abs(a) + Math.abs(num)));
      checked++;
    }
    const r: GradCheckResult = { maxAbsDiff, relErr: maxAbsDiff / Math.max(1e-8, maxMag), maxElemRelErr, checked };
    report(`model ${label} ${p.name}${skipped ? ` (skip ${skipped})` : ''}`, r);
    expect(checked).toBe(wanted);
    expect(maxMag).toBeGreaterThan(0);
    expect(r.relErr).toBeLessThan(1e-6);
    worst = Math.max(worst, r.relErr);
  }
  // padding between tensors has zero gradient
  const real = new Uint8Array(PARAM_BUFFER_LENGTH);
  for (const p of PARAMS) real.fill(1, p.offset, p.offset + p.size);
  for (let i = 0; i < PARAM_BUFFER_LENGTH; i++) if (!real[i]) expect(grads[i]).toBe(0);
  console.log(`model ${label}: worst relative error over all tensors ${worst.toExponential(3)}`);
}

describe('reference model', () => {
  it('forward shapes, eval mode ignores dropout and is deterministic', () => {
    const rng = new Rng(5);
    const params = initParams(DEFAULT_MODEL.params, 1);
    const images = randArray(rng, 3 * 784, 0, 1);
    const f = modelForward(params, images, null);
    expect(f.B).toBe(3);
    expect(f.z1.length).toBe(3 * 26 * 26 * 32);
    expect(f.p1.length).toBe(3 * 13 * 13 * 32);
    expect(f.z2.length).toBe(3 * 11 * 11 * 64);
    expect(f.p2.length).toBe(3 * 5 * 5 * 64);
    expect(f.d2.length).toBe(3 * 1600);
    expect(f.z3.length).toBe(3 * 128);
    expect(f.logits.length).toBe(3 * 10);
    expect(f.d1).toBe(f.p1);
    expect(f.d3).toBe(f.a3);
    const g = modelForward(params, images, null);
    expect(Array.from(g.logits)).toEqual(Array.from(f.logits));
    // all-kept masks only rescale: with rate 0 training equals evaluation
    const ones: DropoutMasks = { d1: new Uint8Array(3 * 5408).fill(1), d2: new Uint8Array(3 * 1600).fill(1), d3: new Uint8Array(3 * 128).fill(1) };
    const t = modelForward(params, images, ones, [0, 0, 0]);
    expect(Array.from(t.logits)).toEqual(Array.from(f.logits));
  });

  it('backward matches finite differences for every tensor (fixed dropout masks, batch 2)', () => {
    const masks = randomMasks(new Rng(77), 2, DROPOUT_RATES);
    checkModel(masks, 'train');
  });

  it('backward matches finite differences for every tensor (eval, no dropout)', () => {
    checkModel(null, 'eval');
  });

  it('trainStep = loss/grads + Adam, and training on one batch lowers the loss', () => {
    const rng = new Rng(11);
    const B = 4;
    const images = randArray(rng, B * 784, 0, 1);
    const labels = [0, 1, 2, 3];
    const masks = randomMasks(rng, B);
    const p0 = Float64Array.from(initParams(DEFAULT_MODEL.params, 9));
    const expected = Float64Array.from(p0);
    const lg = modelLossAndGrads(expected, images, labels, masks);
    adamStep(expected, lg.grads, new Float64Array(PARAM_BUFFER_LENGTH), new Float64Array(PARAM_BUFFER_LENGTH), 1);

    const params = Float64Array.from(p0);
    const m = new Float64Array(PARAM_BUFFER_LENGTH);
    const v = new Float64Array(PARAM_BUFFER_LENGTH);
    const first = trainStep(params, m, v, 1, images, labels, masks);
    expect(first.loss).toBe(lg.loss);
    expect(first.correct).toBe(lg.correct);
    expect(Array.from(params)).toEqual(Array.from(expected));

    let loss = first.loss;
    for (let t = 2; t <= 15; t++) loss = trainStep(params, m, v, t, images, labels, null).loss;
    console.log(`trainStep: loss ${first.loss.toFixed(4)} -> ${loss.toFixed(4)} after 15 Adam steps on one batch`);
    expect(loss).toBeLessThan(first.loss * 0.5);

    // SGD variant uses m as velocity
    const ps = Float64Array.from(p0);
    const vel = new Float64Array(PARAM_BUFFER_LENGTH);
    const s = trainStep(ps, vel, new Float64Array(0), 0, images, labels, null, DROPOUT_RATES, { kind: 'sgd', lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < ps.length; i += 997) expect(ps[i]).toBeCloseTo(p0[i] - 0.1 * s.grads[i], 14);
  });
});
