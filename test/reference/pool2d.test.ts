// The float64 pooling references: geometry against src/layers/pool2d-geometry.ts, hand-checked
// values (asymmetric 'same' padding, average over real cells only, the tie rule), the general
// 2x2/2 valid max pool against the seed's maxpool2x2 reference, and every backward against
// central finite differences (max pooling on tie-free inputs).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { pool2dGeometry } from '../../src/layers/pool2d-geometry.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from './pool.ts';
import { pool2dBackward, pool2dForward, pool2dRefGeometry, type PoolKind, type PoolShape, type PoolWindow } from './pool2d.ts';
import { dot, gradCheck, randArray, report } from './gradcheck.ts';

/** Distinct values spaced 0.01 apart in random order: no ties, gaps far above h. */
function distinctValues(rng: Rng, n: number): Float64Array {
  return rng.shuffle(Float64Array.from({ length: n }, (_, i) => (i - n / 2) * 0.01));
}

const win = (ph: number, pw: number, sh: number, sw: number, padding: 'valid' | 'same'): PoolWindow => ({ ph, pw, sh, sw, padding });

describe('pool2d geometry', () => {
  it('pool2dGeometry agrees with the reference on every small case', () => {
    let checked = 0;
    for (const padding of ['valid', 'same'] as const)
      for (let size = 1; size <= 15; size++)
        for (let pool = 1; pool <= 7; pool++)
          for (let stride = 1; stride <= 4; stride++) {
            if (padding === 'valid' && size < pool) continue;
            const g = pool2dGeometry({ height: size, width: 5, poolHeight: pool, poolWidth: 2, strideHeight: stride, strideWidth: 1, padding });
            const r = pool2dRefGeometry({ B: 1, H: size, W: 5, C: 1 }, win(pool, 2, stride, 1, padding));
            expect([g.outHeight, g.padTop, g.outWidth, g.padLeft]).toEqual([r.HO, r.padTop, r.WO, r.padLeft]);
            checked++;
          }
    expect(checked).toBeGreaterThan(700);
  });

  it('hand-checked sizes and asymmetric same padding', () => {
    const geo = (height: number, pool: number, stride: number, padding: 'valid' | 'same') =>
      pool2dGeometry({ height, width: height, poolHeight: pool, poolWidth: pool, strideHeight: stride, strideWidth: stride, padding });
    expect(geo(13, 3, 2, 'same')).toEqual({ outHeight: 7, outWidth: 7, padTop: 1, padLeft: 1 }); // total 2
    expect(geo(5, 2, 2, 'same')).toEqual({ outHeight: 3, outWidth: 3, padTop: 0, padLeft: 0 }); // total 1: bottom only
    expect(geo(6, 4, 1, 'same')).toEqual({ outHeight: 6, outWidth: 6, padTop: 1, padLeft: 1 }); // total 3: 1 top, 2 bottom
    expect(geo(7, 3, 3, 'valid')).toEqual({ outHeight: 2, outWidth: 2, padTop: 0, padLeft: 0 });
    expect(geo(26, 2, 2, 'valid')).toEqual({ outHeight: 13, outWidth: 13, padTop: 0, padLeft: 0 });
  });

  it('bad windows get clear errors', () => {
    const base = { height: 5, width: 5, poolHeight: 2, poolWidth: 2, strideHeight: 2, strideWidth: 2, padding: 'valid' as const };
    expect(() => pool2dGeometry({ ...base, poolHeight: 8 })).toThrow(/pool height 8/);
    expect(() => pool2dGeometry({ ...base, poolWidth: 0 })).toThrow(/pool width 0/);
    expect(() => pool2dGeometry({ ...base, strideWidth: 1.5 })).toThrow(/stride width/);
    expect(() => pool2dGeometry({ ...base, height: 1 })).toThrow(/smaller than the pool/);
    expect(() => pool2dGeometry({ ...base, padding: 'full' as 'same' })).toThrow(/padding/);
  });
});

describe('reference pool2d values', () => {
  it("average 'same' divides by the real cells only", () => {
    // x (1, 3, 3, 1) = 1..9, pool 2, stride 2, same: out 2x2, padding total 1 at the bottom/right.
    const x = Float64Array.from({ length: 9 }, (_, i) => i + 1);
    const r = pool2dForward(x, { B: 1, H: 3, W: 3, C: 1 }, win(2, 2, 2, 2, 'same'), 'average');
    expect(Array.from(r.y)).toEqual([(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9]);
    expect(Array.from(r.counts)).toEqual([4, 2, 2, 1]);
  });

  it('max ties go to the first cell in row-major window order; padding is never the max', () => {
    // x (1, 3, 3, 1): all negative so a padded zero would win if it were read.
    const x = Float64Array.of(-5, -1, -1, -1, -9, -9, -9, -9, -9);
    const r = pool2dForward(x, { B: 1, H: 3, W: 3, C: 1 }, win(3, 3, 1, 1, 'same'), 'max');
    // output (0,0): window rows -1..1, cols -1..1 -> real cells (0,0) (0,1) (1,0) (1,1); -1 at (0,1) and (1,0): (0,1) wins.
    expect(r.y[0]).toBe(-1);
    expect(r.argmax[0]).toBe(1);
    expect(r.window[0]).toBe(1 * 3 + 2); // (di, dj) = (1, 2) in the padded window
    // output (2,2): rows 1..3, cols 1..3 -> real (1,1) (1,2) (2,1) (2,2), all -9: (1,1) wins.
    expect(r.y[8]).toBe(-9);
    expect(r.argmax[8]).toBe(4);
    const dx = pool2dBackward(Float64Array.from({ length: 9 }, () => 1), r, { B: 1, H: 3, W: 3, C: 1 }, win(3, 3, 1, 1, 'same'), 'max');
    expect(dx.reduce((a, v) => a + v, 0)).toBe(9);
  });

  it('2x2 stride 2 valid max pooling equals the seed reference (odd sizes, ties)', () => {
    const rng = new Rng(5);
    for (const [B, H, W, C] of [[2, 7, 9, 3], [1, 11, 11, 5], [3, 6, 4, 2]] as const) {
      const x = Float64Array.from({ length: B * H * W * C }, () => rng.nextInt(3));
      const s = { B, H, W, C };
      const r = pool2dForward(x, s, win(2, 2, 2, 2, 'valid'), 'max');
      const seed = maxpool2x2Forward(x, B, H, W, C);
      expect(Array.from(r.y)).toEqual(Array.from(seed.y));
      expect(Array.from(r.argmax)).toEqual(Array.from(seed.argmax));
      // window positions: di*2 + dj in both
      expect(Array.from(r.window)).toEqual(Array.from(seed.window));
      const dy = randArray(rng, r.y.length);
      expect(Array.from(pool2dBackward(dy, r, s, win(2, 2, 2, 2, 'valid'), 'max'))).toEqual(
        Array.from(maxpool2x2Backward(dy, seed.argmax, B, H, W, C)),
      );
    }
  });
});

describe('reference pool2d backward vs finite differences', () => {
  const cases: [PoolKind, PoolShape, PoolWindow][] = [
    ['max', { B: 2, H: 7, W: 5, C: 3 }, win(3, 3, 2, 2, 'same')],
    ['max', { B: 1, H: 6, W: 7, C: 2 }, win(2, 2, 1, 1, 'valid')],
    ['max', { B: 1, H: 7, W: 7, C: 2 }, win(3, 2, 3, 1, 'same')],
    ['average', { B: 2, H: 7, W: 5, C: 3 }, win(3, 3, 2, 2, 'same')],
    ['average', { B: 1, H: 6, W: 7, C: 2 }, win(2, 3, 1, 2, 'valid')],
    ['average', { B: 1, H: 5, W: 6, C: 2 }, win(4, 4, 1, 1, 'same')],
  ];
  for (const [kind, s, w] of cases) {
    it(`${kind} ${s.B}x${s.H}x${s.W}x${s.C} pool ${w.ph}x${w.pw} stride ${w.sh}x${w.sw} ${w.padding}`, () => {
      const rng = new Rng(11 + s.H * 7 + w.ph);
      const x = distinctValues(rng, s.B * s.H * s.W * s.C);
      const fwd = pool2dForward(x, s, w, kind);
      const dy = randArray(rng, fwd.y.length);
      const dx = pool2dBackward(dy, fwd, s, w, kind);
      const r = gradCheck(() => dot(dy, pool2dForward(x, s, w, kind).y), x, dx);
      report(`${kind} pool2d dx`, r);
      expect(r.relErr).toBeLessThan(1e-6);
    });
  }
});
