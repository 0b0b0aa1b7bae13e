// conv2d_backward_kernel_transpose: kT[ky, kx, co, ci] = kernel[ky, kx, ci, co], with ci padded
// to CIN4 = ceil(CIN/4)*4 (padding zero), so that the dx kernels (conv2d_backward_input_*) can load kernel rows as
// vec4 over input channels. One invocation computes one element of kT.
// Bindings:
//   params: flat parameter buffer f32; kernel [3, 3, CIN, COUT] at KERNEL_OFFSET, read
//   kT:     (3, 3, COUT, CIN4) f32, written

override WORKGROUP_SIZE: u32;
override CIN: u32;
override COUT: u32;
override KERNEL_OFFSET: u32;

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts):
// the invocation index is linearised over it, and the surplus invocations of the last row
// fail the bounds check below.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let CIN4 = (CIN + 3u) / 4u * 4u;
  let i = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= 9u * COUT * CIN4) { return; }
  let ci = i % CIN4;
  let co = (i / CIN4) % COUT;
  let t = i / (CIN4 * COUT);
  var v = 0.0;
  if (ci < CIN) {
    v = layout.$.params[KERNEL_OFFSET + (t * CIN + ci) * COUT + co];
  }
  layout.$.kT[i] = v;
}
