// An outside oracle for the pooling references' Keras semantics: TensorFlow.js (tfjs-core 4.22,
// cpu backend, float32) computes the same max / average pooling (asymmetric 'same' padding,
// average over real cells only, overlapping windows) and the same gradients (tf.grad; for max
// pooling on inputs with exact ties too, which shows the first-in-row-major-order rule), and the
// same global average pooling.
// One exception: tfjs's average-pooling gradient (tfjs-backend-cpu AvgPoolGrad) divides by the
// full window ph*pw even where 'same' padding cuts the window, which is not the gradient of its
// own forward (TensorFlow's AvgPoolGrad divides by the real cells). For average 'same' only the
// forward is compared here; the reference's backward is checked against finite differences of
// its forward in pool2d.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The gradient functions (tf.grad) are registered by this side-effect module.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { pool2dBackward, pool2dForward, type PoolKind, type PoolShape, type PoolWindow } from './pool2d.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from './global-avg-pool.ts';
import { maxAbsDiff } from '../../src/gpu/tolerance.ts';

// float32 against float64: sums of at most 16 terms in [-1, 1].
const TOL = 1e-5;

const CASES: [PoolKind, PoolShape, PoolWindow, boolean][] = [
  ['max', { B: 2, H: 13, W: 9, C: 3 }, { ph: 3, pw: 3, sh: 2, sw: 2, padding: 'same' }, false],
  ['max', { B: 2, H: 13, W: 9, C: 3 }, { ph: 3, pw: 3, sh: 2, sw: 2, padding: 'same' }, true],
  ['max', { B: 1, H: 6, W: 11, C: 5 }, { ph: 2, pw: 3, sh: 1, sw: 2, padding: 'same' }, true],
  ['max', { B: 3, H: 8, W: 7, C: 2 }, { ph: 2, pw: 2, sh: 1, sw: 1, padding: 'valid' }, true],
  ['average', { B: 2, H: 13, W: 9, C: 3 }, { ph: 3, pw: 3, sh: 2, sw: 2, padding: 'same' }, false],
  ['average', { B: 1, H: 6, W: 6, C: 2 }, { ph: 4, pw: 4, sh: 1, sw: 1, padding: 'same' }, false],
  ['average', { B: 1, H: 7, W: 7, C: 5 }, { ph: 3, pw: 3, sh: 3, sw: 3, padding: 'valid' }, false],
];

describe('pooling references agree with TensorFlow.js', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const [kind, s, w, ties] of CASES) {
    it(`${kind} ${s.B}x${s.H}x${s.W}x${s.C} pool ${w.ph}x${w.pw} stride ${w.sh}x${w.sw} ${w.padding}${ties ? ' ties' : ''}`, () => {
      const rng = new Rng(s.H * 31 + w.ph + (ties ? 1 : 0));
      const n = s.B * s.H * s.W * s.C;
      // Negative values make a padded zero win a max if padding were read.
      const x = Float32Array.from({ length: n }, () => (ties ? rng.nextInt(3) - 3 : rng.nextFloat() * 2 - 1));
      const ref = pool2dForward(Float64Array.from(x), s, w, kind);
      const dy = Float32Array.from({ length: ref.y.length }, () => rng.nextFloat() * 2 - 1);
      const dxRef = pool2dBackward(Float64Array.from(dy), ref, s, w, kind);
      const pool = (t: tf.Tensor4D) =>
        kind === 'max' ? tf.maxPool(t, [w.ph, w.pw], [w.sh, w.sw], w.padding) : tf.avgPool(t, [w.ph, w.pw], [w.sh, w.sw], w.padding);
      const xt = tf.tensor4d(x, [s.B, s.H, s.W, s.C]);
      const yt = pool(xt);
      const dyt = tf.tensor(dy, yt.shape);
      const dxt = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t as tf.Tensor4D), dyt)))(xt);
      const yDiff = maxAbsDiff(yt.dataSync(), ref.y);
      const dxDiff = maxAbsDiff(dxt.dataSync(), dxRef);
      console.log(`tfjs ${kind} ${w.padding}: output shape ${yt.shape.join('x')}, max |y - ref| ${yDiff}, max |dx - ref| ${dxDiff}`);
      expect(yt.shape).toEqual([s.B, ref.geometry.HO, ref.geometry.WO, s.C]);
      expect(yDiff).toBeLessThan(TOL);
      if (kind === 'max' || w.padding === 'valid') expect(dxDiff).toBeLessThan(TOL);
      tf.dispose([xt, yt, dyt, dxt]);
    });
  }

  it('global average pooling (B=3, 5x7x3)', () => {
    const [B, H, W, C] = [3, 5, 7, 3];
    const rng = new Rng(9);
    const x = Float32Array.from({ length: B * H * W * C }, () => rng.nextFloat() * 2 - 1);
    const dy = Float32Array.from({ length: B * C }, () => rng.nextFloat() * 2 - 1);
    const xt = tf.tensor4d(x, [B, H, W, C]);
    const dyt = tf.tensor2d(dy, [B, C]);
    const yt = tf.mean(xt, [1, 2]);
    const dxt = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, [1, 2]), dyt)))(xt);
    expect(maxAbsDiff(yt.dataSync(), globalAvgPoolForward(Float64Array.from(x), B, H, W, C))).toBeLessThan(TOL);
    expect(maxAbsDiff(dxt.dataSync(), globalAvgPoolBackward(Float64Array.from(dy), B, H, W, C))).toBeLessThan(TOL);
    tf.dispose([xt, dyt, yt, dxt]);
  });
});
