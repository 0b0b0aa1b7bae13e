// WGSL pieces the GEMM jobs of this folder share: the sentinels an aRow returns for a row that
// reads as zeros (padding) or ones (a bias row), and four consecutive columns of a row-major
// matrix read as one vec4 where the row length and offset allow it, else as four scalars with
// the columns past the last clamped to it.

/** aRow's value for a place in the padding: aAt reads 0. */
export const OUTSIDE = 'const OUTSIDE = 0xffffffffu;';
/** aRow's value for a bias row: aAt reads 1 (its sums are the bias gradient). */
export const ONES = 'const ONES = 0xfffffffeu;';

/**
 * `fn name(k: u32, n: u32) -> vec4f`: columns n..n+3 of row k of a (rows, cols) row-major
 * matrix at `offset` in `array` (`array4`, the same buffer as vec4, when `vec4` holds).
 * cols, offset: WGSL expressions; vec4: a bool override (cols and offset multiples of 4).
 */
export function rowVec4Loader(name: string, array: string, array4: string, cols: string, offset: string, vec4: string): string {
  return `fn ${name}(k: u32, n: u32) -> vec4f {
  let row = ${offset} + k * ${cols};
  if (${vec4}) { return layout.$.${array4}[(row + n) / 4u]; }
  let i = vec4u(row) + min(vec4u(n) + vec4u(0u, 1u, 2u, 3u), vec4u(${cols} - 1u));
  return vec4f(layout.$.${array}[i.x], layout.$.${array}[i.y], layout.$.${array}[i.z], layout.$.${array}[i.w]);
}`;
}

/** `fn name(k: u32, n: u32) -> vec4f`: rows n..n+3 (clamped to rows - 1) of column k of a (rows, cols) row-major matrix: a transposed read. */
export function columnVec4Loader(name: string, array: string, rows: string, cols: string, offset: string): string {
  return `fn ${name}(k: u32, n: u32) -> vec4f {
  let i = vec4u(${offset} + k) + min(vec4u(n) + vec4u(0u, 1u, 2u, 3u), vec4u(${rows} - 1u)) * ${cols};
  return vec4f(layout.$.${array}[i.x], layout.$.${array}[i.y], layout.$.${array}[i.z], layout.$.${array}[i.w]);
}`;
}
