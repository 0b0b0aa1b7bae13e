// pool_dropout_forward: 2x2/stride-2 floor max pooling fused with inverted dropout (training
// forward). NHWC, channels in vec4 groups (C = 4*C4).
// One invocation computes ONE pooled row segment of one vec4 of channels: for every pooled
// column j in 0..WO of pooled row i of sample b, channels 4*c4..4*c4+3:
//   m      = max of the 2x2 window (first maximum in window order (0,0),(0,1),(1,0),(1,1) wins)
//   out    = keep(e) ? m * SCALE : 0                       (exactly maxpool then dropout)
//   route  = per channel, the window position 2*di+dj of the max when keep(e) and m > 0,
//            else 4: where the backward sends dL/d(out) * SCALE. m > 0 is the ReLU derivative
//            of the conv output at the arg-max (the input is post-ReLU), so the backward never
//            reads the conv output again.
// Dropout mask: the counter-based hash dropoutKey / dropoutKeep4 of src/gpu/wgsl-lib.ts (twin of
// src/layers/dropout-rng.ts), e = flat index of the pooled element in (BATCH, HO*WO*C), which is
// 4 * (vec4 index of the output) + k; so masks equal the unfused maxpool + dropout path.
// THRESHOLD == 0 (rate 0) keeps everything and skips the hash (SCALE is then 1).
//
// Bindings:
//   state:  StepState {step, batch, seed, pad}, read
//   input:  (BATCH, H, W, C4) vec4f, read (post-ReLU conv output)
//   output: (BATCH, HO, WO, C4) vec4f, written (dropout output); HO = floor(H/2), WO = floor(W/2)
//   route:  (BATCH, HO, WO, C4) u32, written: byte k (bits 8k..8k+7) is channel 4*c4+k's code 0..4
// Overrides: H, W, C4, HO, WO, SAMPLE_ROWS = HO*C4 (BATCH times it: the invocations), LAYER_ID, THRESHOLD (u32),
//   SCALE (f32), WORKGROUP_SIZE.
// Invocation t (linear over the 1-D/2-D grid of gridFor): c4 = t % C4, then pooled row i and
// batch b; divisions by override constants happen once per invocation, not per element.

override SCALE: f32;

override INVOCATIONS: u32 = BATCH * SAMPLE_ROWS;

fn compute(t: u32) {
  let c4 = t % C4;
  let r = t / C4;
  let i = r % HO;
  let b = r / HO;

  var key = 0u;
  if (THRESHOLD > 0u) {
    let s = layout.$.state;
    key = dropoutKey(s.seed, s.step, LAYER_ID);
  }
  let rowStep = W * C4;
  let colStep = 2u * C4;
  var x = (b * H + 2u * i) * rowStep + c4;
  var o = (b * HO + i) * WO * C4 + c4;
  for (var j = 0u; j < WO; j++) {
    let v0 = layout.$.input[x];
    let v1 = layout.$.input[x + C4];
    let v2 = layout.$.input[x + rowStep];
    let v3 = layout.$.input[x + rowStep + C4];
    var m = v0;
    var pos = vec4u(0u);
    let s1 = v1 > m;
    m = select(m, v1, s1);
    pos = select(pos, vec4u(1u), s1);
    let s2 = v2 > m;
    m = select(m, v2, s2);
    pos = select(pos, vec4u(2u), s2);
    let s3 = v3 > m;
    m = select(m, v3, s3);
    pos = select(pos, vec4u(3u), s3);

    var keep = vec4<bool>(true);
    if (THRESHOLD > 0u) {
      let e = vec4u(4u * o) + vec4u(0u, 1u, 2u, 3u);
      keep = dropoutKeep4(key, e, THRESHOLD);
    }
    layout.$.output[o] = select(vec4f(0.0), m * SCALE, keep);
    let code = select(vec4u(4u), pos, keep & (m > vec4f(0.0)));
    layout.$.route[o] = code.x | (code.y << 8u) | (code.z << 16u) | (code.w << 24u);
    x += colStep;
    o += C4;
  }
}
