// conv2d_backward_mask: g = dy * (y > 0), the ReLU-masked output gradient, materialised once
// for the filter- and input-gradient kernels (both read g many times).
// One invocation computes one vec4 (4 channels of one output pixel).
// Bindings:
//   y:  (B, HO, WO, COUT) post-ReLU forward output, as vec4, read
//   dy: (B, HO, WO, COUT) dL/dy, as vec4, read
//   g:  (B, HO, WO, COUT) as vec4, written
// COUNT4 = B*HO*WO*COUT/4. Invocation id = linearIndex(wid, nwg, lid, WORKGROUP_SIZE).

override WORKGROUP_SIZE: u32;
override COUNT4: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= COUNT4) { return; }
  layout.$.g[i] = select(vec4f(0.0), layout.$.dy[i], layout.$.y[i] > vec4f(0.0));
}
