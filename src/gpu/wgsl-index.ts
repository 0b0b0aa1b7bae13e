// WGSL index helpers shared by several kernels (named in a shader, they are emitted by the
// generated prelude: shader-prelude.ts).
import tgpu from 'typegpu';
import * as d from 'typegpu/data';

// The position (b, h, w, c) of flat element `index` of an NHWC tensor (any batch, H rows,
// W columns, C channels), channel fastest.
export const nhwcPosition = tgpu.fn([d.u32, d.u32, d.u32, d.u32], d.vec4u)`(index: u32, h: u32, w: u32, c: u32) -> vec4u {
  let pixel = index / c;
  let row = pixel / w;
  return vec4u(row / h, row % h, pixel % w, index % c);
}`.$name('nhwcPosition');
