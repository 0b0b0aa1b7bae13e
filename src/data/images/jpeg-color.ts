// libjpeg's last two steps of JPEG decoding, as libjpeg-turbo (TensorFlow's decoder) does them
// by default: "fancy" upsampling of subsampled chroma (triangular interpolation, jdsample.c's
// h2v1 and h2v2 rules with their rounding; plain replication for planes of 2 samples or fewer)
// and YCbCr to RGB with its 16-bit fixed-point tables (jdcolor.c). Browser-safe.

/** One chroma plane as decoded: `width` x `height` samples. */
export interface Plane {
  width: number;
  height: number;
  data: Uint8Array;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Doubles a plane's width (h2v1). */
function upsampleH2V1(p: Plane): Plane {
  const { width: w, height: h, data } = p;
  const out = new Uint8Array(w * 2 * h);
  for (let y = 0; y < h; y++) {
    const row = data.subarray(y * w, (y + 1) * w);
    const o = y * w * 2;
    if (w <= 2) {
      for (let x = 0; x < w; x++) out[o + 2 * x] = out[o + 2 * x + 1] = row[x];
      continue;
    }
    out[o] = row[0];
    out[o + 1] = (row[0] * 3 + row[1] + 2) >> 2;
    for (let x = 1; x < w - 1; x++) {
      const v = row[x] * 3;
      out[o + 2 * x] = (v + row[x - 1] + 1) >> 2;
      out[o + 2 * x + 1] = (v + row[x + 1] + 2) >> 2;
    }
    out[o + 2 * w - 2] = (row[w - 1] * 3 + row[w - 2] + 1) >> 2;
    out[o + 2 * w - 1] = row[w - 1];
  }
  return { width: w * 2, height: h, data: out };
}

/** Doubles a plane's width and height (h2v2); the rows above the first and below the last repeat them. */
function upsampleH2V2(p: Plane): Plane {
  const { width: w, height: h, data } = p;
  const out = new Uint8Array(w * 2 * h * 2);
  for (let y = 0; y < h; y++) {
    const row = data.subarray(y * w, (y + 1) * w);
    for (let v = 0; v < 2; v++) {
      const otherY = v === 0 ? Math.max(0, y - 1) : Math.min(h - 1, y + 1);
      const other = data.subarray(otherY * w, (otherY + 1) * w);
      const o = (y * 2 + v) * w * 2;
      if (w <= 2) {
        // No fancy upsampling of planes this narrow: every sample is repeated.
        for (let x = 0; x < w; x++) out[o + 2 * x] = out[o + 2 * x + 1] = row[x];
        continue;
      }
      const sum = (x: number) => row[x] * 3 + other[x];
      let last = sum(0);
      let current = last;
      let next = sum(1);
      out[o] = (current * 4 + 8) >> 4;
      out[o + 1] = (current * 3 + next + 7) >> 4;
      for (let x = 1; x < w - 1; x++) {
        last = current;
        current = next;
        next = sum(x + 1);
        out[o + 2 * x] = (current * 3 + last + 8) >> 4;
        out[o + 2 * x + 1] = (current * 3 + next + 7) >> 4;
      }
      last = current;
      current = next;
      out[o + 2 * w - 2] = (current * 3 + last + 8) >> 4;
      out[o + 2 * w - 1] = (current * 4 + 7) >> 4;
    }
  }
  return { width: w * 2, height: h * 2, data: out };
}

/** Doubles a plane's height by repeating rows (h1v2 without interpolation) or its width (h2v1 plain). */
function repeat(p: Plane, hx: number, vx: number): Plane {
  const out = new Uint8Array(p.width * hx * p.height * vx);
  const width = p.width * hx;
  for (let y = 0; y < p.height * vx; y++) for (let x = 0; x < width; x++) out[y * width + x] = p.data[Math.floor(y / vx) * p.width + Math.floor(x / hx)];
  return { width, height: p.height * vx, data: out };
}

/**
 * A chroma plane at the image's full sampling, from its own (h and v: how many times finer the
 * luma samples are; 1 or 2 each). Planes of wider ratios are repeated.
 */
export function upsampleChroma(p: Plane, h: number, v: number): Plane {
  if (h === 1 && v === 1) return p;
  if (h === 2 && v === 1 && p.width > 2) return upsampleH2V1(p);
  if (h === 2 && v === 2 && p.width > 2) return upsampleH2V2(p);
  return repeat(p, h, v);
}

const FIX = (x: number) => Math.floor(x * 65536 + 0.5);
const HALF = 1 << 15;
const CR_R = Int32Array.from({ length: 256 }, (_, i) => (FIX(1.402) * (i - 128) + HALF) >> 16);
const CB_B = Int32Array.from({ length: 256 }, (_, i) => (FIX(1.772) * (i - 128) + HALF) >> 16);
const CR_G = Int32Array.from({ length: 256 }, (_, i) => -FIX(0.71414) * (i - 128));
const CB_G = Int32Array.from({ length: 256 }, (_, i) => -FIX(0.34414) * (i - 128) + HALF);

/** (height, width, 3) RGB bytes of full-resolution Y, Cb and Cr planes (the first `width` x `height` samples of each). */
export function yccToRgb(y: Plane, cb: Plane, cr: Plane, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    for (let x = 0; x < width; x++) {
      const l = y.data[row * y.width + x];
      const b = cb.data[row * cb.width + x];
      const r = cr.data[row * cr.width + x];
      const o = (row * width + x) * 3;
      out[o] = clamp(l + CR_R[r]);
      out[o + 1] = clamp(l + ((CB_G[b] + CR_G[r]) >> 16));
      out[o + 2] = clamp(l + CB_B[b]);
    }
  }
  return out;
}
