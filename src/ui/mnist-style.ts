// The last step of making an MNIST digit, shared by the single-digit pad (preprocess.ts) and
// the number segmenter (segment.ts): a cropped ink image is scaled (area-averaged, aspect
// kept) so its longer side is 20 px, then placed in a 28x28 field so that its centre of mass
// lies at the field's centre. This is how MNIST's digits were made, and what a model trained on
// them reads: the drawing pad and the number reader assume digits and such a model. A model
// whose input is another size gets a field of its size with the digit in the same proportion
// (20/28 of the shorter side). Pure, no DOM.

/** MNIST's field side and the box its digits were scaled into. */
export const SIDE = 28;
export const FIT = 20;

/** The size of the field a digit is made into (the model's input height and width). */
export interface FieldSize {
  height: number;
  width: number;
}

export const MNIST_FIELD: FieldSize = { height: SIDE, width: SIDE };
/** The classes of a digit model: 0-9. */
export const DIGITS = 10;

/** The box a digit's longer side is scaled to in `field`: MNIST's FIT / SIDE of the shorter side. */
export function fitBox(field: FieldSize): number {
  return Math.max(1, Math.round((FIT / SIDE) * Math.min(field.height, field.width)));
}

/** Centre of mass (x, y) in pixel indices of a (height, width) row-major image; null when it has no mass. */
export function centreOfMass(img: ArrayLike<number>, width: number, height: number): { x: number; y: number } | null {
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = img[y * width + x];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  return mass > 0 ? { x: cx / mass, y: cy / mass } : null;
}

/**
 * `crop` is a (height, width) row-major ink image (0 = background, larger = more ink) whose
 * bounding box is the whole crop. Returns the MNIST-style field (row-major, the strongest
 * pixel 255; 28x28 unless `field` says otherwise), or null when the crop holds no ink.
 */
export function toMnistField(crop: ArrayLike<number>, width: number, height: number, field: FieldSize = MNIST_FIELD): Uint8Array | null {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`crop size must be positive integers, got ${width}x${height}`);
  }
  if (crop.length < width * height) throw new RangeError(`expected ${width * height} crop pixels, got ${crop.length}`);
  // 1. scale the crop to fit the box (20x20 in MNIST's field), keeping the aspect ratio (area averaging, separable)
  const scale = fitBox(field) / Math.max(width, height);
  const tw = Math.max(1, Math.round(width * scale));
  const th = Math.max(1, Math.round(height * scale));
  const source = Float64Array.from({ length: width * height }, (_, i) => crop[i]); // (height, width)
  const rows = resampleAxis(source, width, height, tw, true); // (height, tw)
  const small = resampleAxis(rows, tw, height, th, false); // (th, tw)

  // 2. place it so the centre of mass falls on the field's centre (13.5 in pixel indices of
  // MNIST's), never pushing ink off the field
  const com = centreOfMass(small, tw, th);
  if (!com) return null;
  const { height: fh, width: fw } = field;
  const ox = clamp(Math.round((fw - 1) / 2 - com.x), 0, fw - tw);
  const oy = clamp(Math.round((fh - 1) / 2 - com.y), 0, fh - th);

  // 3. write out, scaled so the strongest pixel is 255 as in MNIST
  let max = 0;
  for (const v of small) max = Math.max(max, v);
  const out = new Uint8Array(fh * fw); // (fh, fw)
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      out[(oy + y) * fw + ox + x] = Math.round((small[y * tw + x] / max) * 255);
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
