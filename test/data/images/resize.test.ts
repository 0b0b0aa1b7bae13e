// The bilinear resize against a float64 reference of TensorFlow's tf.image.resize (bilinear,
// half-pixel centres, no antialiasing), written here from its definition: output pixel (i, j)
// samples the input at ((i + 0.5) * in/out - 0.5, (j + 0.5) * in/out - 0.5), its four
// neighbours clamped into the image, weighted by the fractional parts. Odd sizes up and down,
// 1 to 4 channels; the byte result is the float result rounded.
import { describe, expect, it } from 'vitest';
import { resizeBilinear, resizeBilinearFloat } from '../../../src/data/images/resize-bilinear.ts';
import { Rng } from '../../../src/model/rng.ts';

function reference(src: Uint8Array, ih: number, iw: number, c: number, oh: number, ow: number): Float64Array {
  const out = new Float64Array(oh * ow * c);
  const at = (i: number, inSize: number, outSize: number) => {
    const x = (i + 0.5) * (inSize / outSize) - 0.5;
    const f = Math.floor(x);
    return { lo: Math.max(0, f), hi: Math.min(inSize - 1, Math.ceil(x)), t: x - f };
  };
  for (let y = 0; y < oh; y++) {
    const r = at(y, ih, oh);
    for (let x = 0; x < ow; x++) {
      const q = at(x, iw, ow);
      for (let k = 0; k < c; k++) {
        const p = (yy: number, xx: number) => src[(yy * iw + xx) * c + k];
        const top = p(r.lo, q.lo) * (1 - q.t) + p(r.lo, q.hi) * q.t;
        const bottom = p(r.hi, q.lo) * (1 - q.t) + p(r.hi, q.hi) * q.t;
        out[(y * ow + x) * c + k] = top * (1 - r.t) + bottom * r.t;
      }
    }
  }
  return out;
}

describe('bilinear resize (tf.image.resize, half-pixel centres)', () => {
  const cases: [number, number, number, number, number][] = [
    [7, 5, 3, 13, 9], // up, odd
    [13, 11, 1, 5, 3], // down, odd
    [9, 9, 4, 9, 4], // width only
    [1, 6, 3, 3, 5], // a single row
    [5, 7, 2, 1, 1], // to one pixel
  ];
  it.each(cases)('%ix%ix%i to %ix%i matches the float64 reference', (ih, iw, c, oh, ow) => {
    const rng = new Rng(ih * 100 + ow);
    const src = Uint8Array.from({ length: ih * iw * c }, () => rng.nextInt(256));
    const shape = { inHeight: ih, inWidth: iw, channels: c, outHeight: oh, outWidth: ow };
    const got = resizeBilinearFloat(src, shape);
    const want = reference(src, ih, iw, c, oh, ow);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    console.log(`${ih}x${iw}x${c} -> ${oh}x${ow}: largest difference from float64 ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(2e-4); // float32 arithmetic on values up to 255
    expect(Array.from(resizeBilinear(src, shape))).toEqual(Array.from(got, (v) => Math.round(v)));
  });

  it('the same size returns the image unchanged; 2x up of [0, 255] gives TF\'s known quarter steps', () => {
    const src = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(resizeBilinear(src, { inHeight: 2, inWidth: 3, channels: 1, outHeight: 2, outWidth: 3 })).toBe(src);
    // tf.image.resize([[0, 255]], [1, 4]) = [0, 63.75, 191.25, 255].
    expect(Array.from(resizeBilinearFloat(Uint8Array.of(0, 255), { inHeight: 1, inWidth: 2, channels: 1, outHeight: 1, outWidth: 4 }))).toEqual([0, 63.75, 191.25, 255]);
  });
});
