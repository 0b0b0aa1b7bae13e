// conv2d_backward_filter_reduce: sums the CHUNKS partial rows of conv2d_backward_filter and
// writes (not accumulates) the kernel and bias gradients into the flat gradient buffer.
// One invocation computes one vec4 j of the row [dk (3,3,CIN,COUT) | db (COUT)]: the sum over
// chunks of partials[c, j] (4 independent running sums for ILP).
// Bindings:
//   partials: (CHUNKS, 9*CIN*COUT + COUT) as vec4, read
//   grads:    flat gradient buffer as vec4; dk [3,3,CIN,COUT] at float offset KERNEL_OFFSET,
//             db [COUT] at float offset BIAS_OFFSET (both multiples of 4), written
//   split:    (max batch + 1) vec4u, read: row BATCH = (chunk, CHUNKS, rows per chunk), the filter kernel's
// Requires COUT % 4 == 0.

override CHUNKS: u32 = layout.$.split[BATCH].y;

override INVOCATIONS: u32 = ((9u * CIN * (COUT / 4u)) + COUT / 4u);

fn compute(j: u32) {
  let K4 = 9u * CIN * (COUT / 4u);
  let R4 = K4 + COUT / 4u;
  var s0 = vec4f(0.0);
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var s3 = vec4f(0.0);
  var c = 0u;
  for (; c + 4u <= CHUNKS; c += 4u) {
    s0 += layout.$.partials[c * R4 + j];
    s1 += layout.$.partials[(c + 1u) * R4 + j];
    s2 += layout.$.partials[(c + 2u) * R4 + j];
    s3 += layout.$.partials[(c + 3u) * R4 + j];
  }
  for (; c < CHUNKS; c++) {
    s0 += layout.$.partials[c * R4 + j];
  }
  let s = (s0 + s1) + (s2 + s3);
  if (j < K4) {
    layout.$.grads[KERNEL_OFFSET / 4u + j] = s;
  } else {
    layout.$.grads[BIAS_OFFSET / 4u + (j - K4)] = s;
  }
}
