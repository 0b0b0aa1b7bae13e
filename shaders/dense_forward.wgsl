// dense_forward (dense variant "tile4x4"; dense_forward_tile16x16 is the vec4 variant):
// y = act(x W + b), the bias added only when USE_BIAS and act the elementwise activation of code
// ACT (src/model/activations.ts; the stored output is post-activation). One invocation computes a 4x4 register block of y: rows (batch)
// n0..n0+3 and columns (output features) o0..o0+3, with o0 varying fastest across
// invocations. Rows/columns past BATCH/OUT are loaded clamped and not written, so any
// shape works (no divisibility assumptions).
//
// Bindings:
//   input:  (BATCH, IN) f32, read (a flattened NHWC tensor is read as-is)
//   params: flat f32 parameter buffer, read; W (IN, OUT) at W_OFFSET, b (OUT) at B_OFFSET (read
//           only when USE_BIAS)
//   output: (BATCH, OUT) f32, written
// BATCH: the batch's samples (run time). Overrides: IN, OUT, W_OFFSET, B_OFFSET, ACT (activation code), USE_BIAS (bool),
// WORKGROUP_SIZE.
// Invocations: ceil(BATCH/4) * ceil(OUT/4).

override USE_BIAS: bool;

override INVOCATIONS: u32 = ((OUT + 3u) / 4u) * ((BATCH + 3u) / 4u);

fn compute(t: u32) {
  let colTiles = (OUT + 3u) / 4u;
  let o0 = (t % colTiles) * 4u;
  let n0 = (t / colTiles) * 4u;
  let cols = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(OUT - 1u));
  let rows = min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(BATCH - 1u)) * IN;
  let wc = cols + vec4u(W_OFFSET);

  var bias = vec4f(0.0);
  if (USE_BIAS) {
    bias = vec4f(
      layout.$.params[B_OFFSET + cols.x], layout.$.params[B_OFFSET + cols.y],
      layout.$.params[B_OFFSET + cols.z], layout.$.params[B_OFFSET + cols.w]);
  }
  var acc0 = bias;
  var acc1 = bias;
  var acc2 = bias;
  var acc3 = bias;
  for (var k = 0u; k < IN; k++) {
    let wk = wc + vec4u(k * OUT);
    let wv = vec4f(layout.$.params[wk.x], layout.$.params[wk.y], layout.$.params[wk.z], layout.$.params[wk.w]);
    acc0 += layout.$.input[rows.x + k] * wv;
    acc1 += layout.$.input[rows.y + k] * wv;
    acc2 += layout.$.input[rows.z + k] * wv;
    acc3 += layout.$.input[rows.w + k] * wv;
  }
  let accs = array<vec4f, 4>(activate4(acc0, ACT), activate4(acc1, ACT), activate4(acc2, ACT), activate4(acc3, ACT));
  for (var r = 0u; r < 4u; r++) {
    let n = n0 + r;
    if (n >= BATCH) { break; }
    for (var c = 0u; c < 4u; c++) {
      let o = o0 + c;
      if (o < OUT) { layout.$.output[n * OUT + o] = accs[r][c]; }
    }
  }
}
