// pool_dropout_inference: 2x2/stride-2 floor max pooling for evaluation (dropout is the
// identity there), NHWC with channels in vec4 groups (C = 4*C4): the output of
// pool_dropout_forward at rate 0 without the routing codes that only the backward needs.
// One invocation computes ONE pooled row segment of one vec4 of channels: for every pooled
// column j in 0..WO of pooled row i of sample b, the max of the 2x2 window (any tie gives the
// same value).
//
// Bindings:
//   input:  (BATCH, H, W, C4) vec4f, read (post-ReLU conv output)
//   output: (BATCH, HO, WO, C4) vec4f, written; HO = floor(H/2), WO = floor(W/2)
// Overrides: H, W, C4, HO, WO, SAMPLE_ROWS = HO*C4 (BATCH times it: the invocations), WORKGROUP_SIZE.
// Invocation t (linear over the 1-D/2-D grid of gridFor): c4 = t % C4, then pooled row i and
// batch b; divisions by override constants happen once per invocation, not per element.

override INVOCATIONS: u32 = BATCH * SAMPLE_ROWS;

fn compute(t: u32) {
  let c4 = t % C4;
  let r = t / C4;
  let i = r % HO;
  let b = r / HO;
  let rowStep = W * C4;
  var x = (b * H + 2u * i) * rowStep + c4;
  var o = (b * HO + i) * WO * C4 + c4;
  for (var j = 0u; j < WO; j++) {
    let top = max(layout.$.input[x], layout.$.input[x + C4]);
    let bottom = max(layout.$.input[x + rowStep], layout.$.input[x + rowStep + C4]);
    layout.$.output[o] = max(top, bottom);
    x += 2u * C4;
    o += C4;
  }
}
