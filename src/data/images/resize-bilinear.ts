// tf.image.resize(images, size) with its defaults, bilinear without antialiasing, on one
// (H, W, C) image of bytes: half-pixel centres (source coordinate (i + 0.5) * in/out - 0.5, the
// lower neighbour clamped at 0, the upper at the last row or column), interpolated in float32
// as TensorFlow's resize_bilinear kernel does. Keras keeps the float result; a dataset of bytes
// keeps it rounded to the nearest byte (resizeBilinearFloat also takes float values: a heat map).
// An image already of the size is returned as it is.
// Browser-safe.

interface Axis {
  lower: Int32Array;
  upper: Int32Array;
  lerp: Float32Array;
}

/** Source rows (or columns) and weights of each output row (or column). */
function axisWeights(outSize: number, inSize: number): Axis {
  const scale = Math.fround(inSize / outSize);
  const axis: Axis = { lower: new Int32Array(outSize), upper: new Int32Array(outSize), lerp: new Float32Array(outSize) };
  for (let i = 0; i < outSize; i++) {
    const at = Math.fround(Math.fround(Math.fround(i + 0.5) * scale) - 0.5);
    const floor = Math.floor(at);
    axis.lower[i] = Math.max(floor, 0);
    axis.upper[i] = Math.min(Math.ceil(at), inSize - 1);
    axis.lerp[i] = Math.fround(at - floor);
  }
  return axis;
}

/** (height, width, channels) of an image, and the size it is resized to. */
export interface ResizeShape {
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
}

/** The resized image in float32, (outHeight, outWidth, channels). */
export function resizeBilinearFloat(src: ArrayLike<number>, shape: ResizeShape): Float32Array {
  const { inHeight, inWidth, channels, outHeight, outWidth } = shape;
  const ys = axisWeights(outHeight, inHeight);
  const xs = axisWeights(outWidth, inWidth);
  const f = Math.fround;
  const out = new Float32Array(outHeight * outWidth * channels);
  for (let y = 0; y < outHeight; y++) {
    const top = ys.lower[y] * inWidth;
    const bottom = ys.upper[y] * inWidth;
    const yLerp = ys.lerp[y];
    for (let x = 0; x < outWidth; x++) {
      const left = xs.lower[x];
      const right = xs.upper[x];
      const xLerp = xs.lerp[x];
      for (let c = 0; c < channels; c++) {
        const tl = src[(top + left) * channels + c];
        const tr = src[(top + right) * channels + c];
        const bl = src[(bottom + left) * channels + c];
        const br = src[(bottom + right) * channels + c];
        const t = f(tl + f((tr - tl) * xLerp));
        const b = f(bl + f((br - bl) * xLerp));
        out[(y * outWidth + x) * channels + c] = f(t + f(f(b - t) * yLerp));
      }
    }
  }
  return out;
}

/** The resized image rounded to bytes, (outHeight, outWidth, channels). */
export function resizeBilinear(src: Uint8Array, shape: ResizeShape): Uint8Array {
  if (shape.inHeight === shape.outHeight && shape.inWidth === shape.outWidth) return src;
  const values = resizeBilinearFloat(src, shape);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(values[i])));
  return out;
}
