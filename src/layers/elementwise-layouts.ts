// Bind group layouts of kernels that map one f32 tensor onto another: a forward (input ->
// output) and a backward that needs only the output gradient (outputGrad -> inputGrad).
import tgpu from 'typegpu';
import * as d from 'typegpu/data';

export const inputOutputLayout = tgpu.bindGroupLayout({
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

export const gradientOnlyLayout = tgpu.bindGroupLayout({
  outputGrad: { storage: d.arrayOf(d.f32), access: 'readonly' },
  inputGrad: { storage: d.arrayOf(d.f32), access: 'mutable' },
});
