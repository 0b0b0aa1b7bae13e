/**
 * float64 CPU reference: the general Keras Conv2D (NHWC input, HWIO kernel), any kernel size,
 * strides, 'valid' or 'same' padding (Keras's asymmetric 'same': the odd pad row/column goes
 * at the bottom/right), optional bias, elementwise activation. Plain loops over explicit
 * indices; the geometry is derived here on its own, not taken from src/.
 *
 *   x: (B, H, W, Cin)      k: (KH, KW, Cin, Cout)      b: (Cout) or none
 *   y: (B, Ho, Wo, Cout)
 *   y[n,i,j,o] = act(b[o] + sum_{di,dj,c} x[n, i*SH + di - PT, j*SW + dj - PL, c] * k[di,dj,c,o])
 * with x read as 0 outside the image.
 */
import type { ElementwiseActivation } from '../../src/model/activations.ts';
import { activate, activationGradFromOutput } from './activation.ts';

export interface ConvGeneralShape {
  B: number;
  H: number;
  W: number;
  Cin: number;
  Cout: number;
  KH: number;
  KW: number;
  SH: number;
  SW: number;
  padding: 'valid' | 'same';
}

/** Output size and leading pad along one axis (Keras / TensorFlow rules). */
export function convAxisRef(size: number, k: number, s: number, padding: 'valid' | 'same'): { out: number; padBefore: number } {
  if (padding === 'valid') return { out: Math.floor((size - k) / s) + 1, padBefore: 0 };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

export function convGeneralOutShape(g: ConvGeneralShape): { Ho: number; Wo: number; PT: number; PL: number } {
  const h = convAxisRef(g.H, g.KH, g.SH, g.padding);
  const w = convAxisRef(g.W, g.KW, g.SW, g.padding);
  return { Ho: h.out, Wo: w.out, PT: h.padBefore, PL: w.padBefore };
}

/**
 * Visits every (output element, tap, input channel) with the flat indices of y, x and k. The
 * output channel is the innermost loop (contiguous y and k: several times faster); each y,
 * x and k element still sees its terms in the order of (n, i, j, di, dj, c), so sums are
 * the same as with any other loop order that keeps that one. `wholeRows`: one visit per
 * (output pixel, tap, input channel) with the indices of output channel 0, the visitor
 * running over the Cout channels itself.
 */
function forEachTap(g: ConvGeneralShape, visit: (yi: number, xi: number, ki: number) => void, wholeRows = false): void {
  const { B, H, W, Cin, Cout, KH, KW, SH, SW } = g;
  const { Ho, Wo, PT, PL } = convGeneralOutShape(g);
  for (let n = 0; n < B; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++) {
        const y0 = ((n * Ho + i) * Wo + j) * Cout;
        for (let di = 0; di < KH; di++) {
          const ih = i * SH + di - PT;
          if (ih < 0 || ih >= H) continue;
          for (let dj = 0; dj < KW; dj++) {
            const iw = j * SW + dj - PL;
            if (iw < 0 || iw >= W) continue;
            for (let c = 0; c < Cin; c++) {
              const xi = ((n * H + ih) * W + iw) * Cin + c;
              const k0 = ((di * KW + dj) * Cin + c) * Cout;
              if (wholeRows) visit(y0, xi, k0);
              else for (let o = 0; o < Cout; o++) visit(y0 + o, xi, k0 + o);
            }
          }
        }
      }
}

/** y = act(conv(x, k) + b); `b` null for use_bias = false. */
export function conv2dGeneralForward(
  x: Float64Array,
  k: Float64Array,
  b: Float64Array | null,
  g: ConvGeneralShape,
  act: ElementwiseActivation,
): Float64Array {
  const { Ho, Wo } = convGeneralOutShape(g);
  const z = new Float64Array(g.B * Ho * Wo * g.Cout); // (B, Ho, Wo, Cout) pre-activation
  if (b) for (let i = 0; i < z.length; i++) z[i] = b[i % g.Cout];
  forEachTap(g, (y0, xi, k0) => {
    const v = x[xi];
    for (let o = 0; o < g.Cout; o++) z[y0 + o] += v * k[k0 + o];
  }, true);
  return z.map((v) => activate(v, act));
}

/**
 * Gradients given dy = dL/dy (B, Ho, Wo, Cout) and the forward's output y:
 *   gz = dy * act'(y)  (the derivative through the output, as the kernels compute it)
 *   dx[n,ih,iw,c] += gz[n,i,j,o] * k[di,dj,c,o];  dk[di,dj,c,o] += gz * x[n,ih,iw,c];  db[o] += gz
 * (summed over the batch; the loss's 1/B is already inside dy). db is empty without bias.
 */
export function conv2dGeneralBackward(
  dy: Float64Array,
  x: Float64Array,
  k: Float64Array,
  y: ArrayLike<number>,
  g: ConvGeneralShape,
  act: ElementwiseActivation,
  useBias = true,
): { dx: Float64Array; dk: Float64Array; db: Float64Array } {
  const gz = dy.map((v, i) => v * activationGradFromOutput(y[i], act));
  const dx = new Float64Array(x.length);
  const dk = new Float64Array(k.length);
  const db = new Float64Array(useBias ? g.Cout : 0);
  if (useBias) for (let i = 0; i < gz.length; i++) db[i % g.Cout] += gz[i];
  forEachTap(g, (yi, xi, ki) => {
    dx[xi] += gz[yi] * k[ki];
    dk[ki] += gz[yi] * x[xi];
  });
  return { dx, dk, db };
}
