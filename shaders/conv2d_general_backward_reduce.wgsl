// conv2d_general_backward_reduce: sums the CHUNKS partial rows of conv2d_general_backward_filter
// and writes (not accumulates) the kernel and bias gradients into the flat gradient buffer.
// One invocation computes one element j of the row [dK (KH, KW, CIN, COUT) | db (COUT)]: the
// sum over chunks of partials[chunk, j] (4 independent running sums for ILP).
// Bindings:
//   partials: (CHUNKS, ROW) f32, ROW = K_SIZE (+ COUT with a bias), read
//   grads:    flat f32 gradient buffer; dK (K_SIZE = KH*KW*CIN*COUT floats) at K_OFFSET, db
//             (ROW - K_SIZE floats) at B_OFFSET, written
//   split:    (max batch + 1) vec4u, read: row BATCH = (CHUNK, CHUNKS), the filter kernel's
// Overrides: ROW, K_SIZE, K_OFFSET, B_OFFSET, WORKGROUP_SIZE.

override CHUNKS: u32 = layout.$.split[BATCH].y;
// Invocations: ROW; the index is linearised over a 1-D or 2-D grid (gridFor) and the surplus
// fails the bounds check.

override INVOCATIONS: u32 = ROW;

fn compute(j: u32) {
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
