// Turns a hand-drawn digit into an MNIST-like 28x28 image, the way the MNIST digits were
// made: crop to the ink's bounding box, scale (area-averaged, aspect kept) to fit 20x20,
// then place in 28x28 so that the centre of mass lies at the centre. Pure, no DOM.

export const SIDE = 28;
export const FIT = 20;

/**
 * `ink` holds width*height intensities (0 = background, 255 = full ink), e.g. a canvas's
 * alpha channel picked out of its RGBA data. Returns 28x28 bytes (row-major, max value 255),
 * or null when there is no ink above `threshold`.
 */
export function preprocessDigit(ink: ArrayLike<number>, width: number, height: number, threshold = 8): Uint8Array | null {
  if (ink.length < width * height) throw new RangeError(`expected ${width * height} pixels, got ${ink.length}`);
  // 1. bounding box of the ink
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;

  // 2. scale the box to fit 20x20, keeping the aspect ratio (area averaging, separable)
  const scale = FIT / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));
  const crop = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) crop[y * w + x] = ink[(y0 + y) * width + x0 + x];
  const rows = resampleAxis(crop, w, h, tw, true); // (h, tw)
  const small = resampleAxis(rows, tw, h, th, false); // (th, tw)

  // 3. centre of mass of the scaled digit
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  cx /= mass;
  cy /= mass;
  // Place it so the centre of mass falls on the field's centre (13.5 in pixel indices),
  // never pushing ink off the 28x28 field.
  const centre = (SIDE - 1) / 2;
  const ox = clamp(Math.round(centre - cx), 0, SIDE - tw);
  const oy = clamp(Math.round(centre - cy), 0, SIDE - th);

  // 4. write out, scaled so the strongest pixel is 255 as in MNIST
  let max = 0;
  for (const v of small) max = Math.max(max, v);
  const out = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      out[(oy + y) * SIDE + ox + x] = Math.round((small[y * tw + x] / max) * 255);
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Area-averaging resample of one axis. Input (h, w) row-major; `horizontal` resamples the
 * w axis to `n` (output (h, n)), otherwise the h axis to `n` (output (n, w)).
 */
function resampleAxis(src: Float64Array, w: number, h: number, n: number, horizontal: boolean): Float64Array {
  const len = horizontal ? w : h;
  const other = horizontal ? h : w;
  const out = new Float64Array(horizontal ? h * n : n * w);
  const step = len / n; // source pixels per output pixel
  for (let i = 0; i < n; i++) {
    const start = i * step;
    const end = start + step;
    for (let s = Math.floor(start); s < Math.min(len, Math.ceil(end)); s++) {
      const weight = (Math.min(end, s + 1) - Math.max(start, s)) / step;
      if (weight <= 0) continue;
      for (let o = 0; o < other; o++) {
        if (horizontal) out[o * n + i] += weight * src[o * w + s];
        else out[i * w + o] += weight * src[s * w + o];
      }
    }
  }
  return out;
}

/** The alpha channel of RGBA pixel data (a canvas's ImageData.data). */
export function alphaChannel(rgba: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4 + 3];
  return out;
}
