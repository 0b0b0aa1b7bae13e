// conv2d_general_backward_reduce: sums the CHUNKS partial rows of conv2d_general_backward_filter
// and writes (not accumulates) the kernel and bias gradients into the flat gradient buffer.
// One invocation computes one element j of the row [dK (KH, KW, CIN, COUT) | db (COUT)]: the
// sum over chunks of partials[chunk, j] (4 independent running sums for ILP).
// Bindings:
//   partials: (CHUNKS, ROW) f32, ROW = K_SIZE (+ COUT with a bias), read
//   grads:    flat f32 gradient buffer; dK (K_SIZE = KH*KW*CIN*COUT floats) at K_OFFSET, db
//             (ROW - K_SIZE floats) at B_OFFSET, written
// Overrides: ROW, K_SIZE, CHUNKS, K_OFFSET, B_OFFSET, WORKGROUP_SIZE.
// Invocations: ROW; the index is linearised over a 1-D or 2-D grid (gridFor) and the surplus
// fails the bounds check.

override WORKGROUP_SIZE: u32;
override ROW: u32;
override K_SIZE: u32;
override CHUNKS: u32;
override K_OFFSET: u32;
override B_OFFSET: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let j = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (j >= ROW) { return; }
  var s0 = 0.0;
  var s1 = 0.0;
  var s2 = 0.0;
  var s3 = 0.0;
  var c = 0u;
  for (; c + 4u <= CHUNKS; c += 4u) {
    s0 += layout.$.partials[c * ROW + j];
    s1 += layout.$.partials[(c + 1u) * ROW + j];
    s2 += layout.$.partials[(c + 2u) * ROW + j];
    s3 += layout.$.partials[(c + 3u) * ROW + j];
  }
  for (; c < CHUNKS; c++) {
    s0 += layout.$.partials[c * ROW + j];
  }
  let s = (s0 + s1) + (s2 + s3);
  if (j < K_SIZE) {
    layout.$.grads[K_OFFSET + j] = s;
  } else {
    layout.$.grads[B_OFFSET + (j - K_SIZE)] = s;
  }
}
