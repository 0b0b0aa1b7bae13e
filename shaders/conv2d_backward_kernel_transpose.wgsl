// conv2d_backward_kernel_transpose: kT[ky, kx, co, ci] = kernel[ky, kx, ci, co], with ci padded
// to CIN4 = ceil(CIN/4)*4 (padding zero), so that the dx kernels (conv2d_backward_input_*) can load kernel rows as
// vec4 over input channels. One invocation computes one element of kT.
// Bindings:
//   params: flat parameter buffer f32; kernel [3, 3, CIN, COUT] at KERNEL_OFFSET, read
//   kT:     (3, 3, COUT, CIN4) f32, written

override INVOCATIONS: u32 = 9u * COUT * ((CIN + 3u) / 4u * 4u);

fn compute(i: u32) {
  let CIN4 = (CIN + 3u) / 4u * 4u;
  let ci = i % CIN4;
  let co = (i / CIN4) % COUT;
  let t = i / (CIN4 * COUT);
  var v = 0.0;
  if (ci < CIN) {
    v = layout.$.params[KERNEL_OFFSET + (t * CIN + ci) * COUT + co];
  }
  layout.$.kT[i] = v;
}
