// Output size and padding of a 2-D pooling window (Keras / TensorFlow semantics), shared by the
// pooling layer builder and whoever infers shapes from a model spec.
//   'valid': out = floor((in - pool) / stride) + 1 (needs in >= pool), no padding.
//   'same':  out = ceil(in / stride); padding total = max((out - 1) * stride + pool - in, 0),
//            split asymmetrically: before = floor(total / 2), the rest after (as conv 'same').
// Padded cells are never read: max pooling skips them, average pooling divides by the number of
// real cells in the window.

export type Pool2dPadding = 'valid' | 'same';

/** Largest pool size per axis the kernels accept. */
export const MAX_POOL_SIZE = 7;

export interface Pool2dWindow {
  /** Input height and width. */
  height: number;
  width: number;
  /** Window size per axis, 1..MAX_POOL_SIZE. */
  poolHeight: number;
  poolWidth: number;
  /** Step between windows per axis, >= 1 (Keras's default is the pool size). */
  strideHeight: number;
  strideWidth: number;
  padding: Pool2dPadding;
}

export interface Pool2dGeometry {
  outHeight: number;
  outWidth: number;
  /** Padded rows above / columns left of the input (the window of output 0 starts at -pad). */
  padTop: number;
  padLeft: number;
}

function positiveInteger(v: number): boolean {
  return Number.isInteger(v) && v >= 1;
}

/** Output shape and leading padding of one axis; throws on a window that does not fit. */
function axisGeometry(size: number, pool: number, stride: number, padding: Pool2dPadding, axis: string): [number, number] {
  if (!positiveInteger(size)) throw new Error(`pool2d: bad input ${axis} ${size}`);
  if (!positiveInteger(pool) || pool > MAX_POOL_SIZE) throw new Error(`pool2d: pool ${axis} ${pool} must be an integer in 1..${MAX_POOL_SIZE}`);
  if (!positiveInteger(stride)) throw new Error(`pool2d: stride ${axis} ${stride} must be a positive integer`);
  if (padding === 'valid') {
    if (size < pool) throw new Error(`pool2d: input ${axis} ${size} is smaller than the pool ${axis} ${pool} with padding 'valid'`);
    return [Math.floor((size - pool) / stride) + 1, 0];
  }
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + pool - size, 0);
    return [out, Math.floor(total / 2)];
  }
  throw new Error(`pool2d: padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
}

export function pool2dGeometry(window: Pool2dWindow): Pool2dGeometry {
  const [outHeight, padTop] = axisGeometry(window.height, window.poolHeight, window.strideHeight, window.padding, 'height');
  const [outWidth, padLeft] = axisGeometry(window.width, window.poolWidth, window.strideWidth, window.padding, 'width');
  return { outHeight, outWidth, padTop, padLeft };
}
