// activation_backward_softmax: gradient of activation_forward_softmax through its stored output.
// One invocation computes ONE row r of N elements:
//   dx[r, i] = y[r, i] * (dy[r, i] - s),  s = sum_j dy[r, j] * y[r, j].
//
// Bindings:
//   outputGrad: (ROWS, N) f32, read (dL/dy)
//   output:     (ROWS, N) f32, read (y from activation_forward_softmax)
//   inputGrad:  (ROWS, N) f32, written (dL/dx)
// Overrides: N (row length), ROWS (= B), WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override N: u32;
override ROWS: u32;

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts):
// the invocation index is linearised over it, and the surplus invocations fail the bounds check.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let r = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (r >= ROWS) { return; }
  let base = r * N;
  var s = 0.0;
  for (var i = 0u; i < N; i++) { s += layout.$.outputGrad[base + i] * layout.$.output[base + i]; }
  for (var i = 0u; i < N; i++) {
    let y = layout.$.output[base + i];
    layout.$.inputGrad[base + i] = y * (layout.$.outputGrad[base + i] - s);
  }
}
