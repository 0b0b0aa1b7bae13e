// pool_dropout_backward: gradient of pool_dropout_forward AND of the conv's fused ReLU, so the
// result feeds the conv's filter/input gradient kernels directly (no separate dropout
// backward, maxpool backward or ReLU-mask pass). NHWC, channels in vec4 groups (C = 4*C4).
// One invocation computes TWO full input rows (2i, 2i+1) of one vec4 of channels of sample b:
//   g(b, 2i+di, 2j+dj, c) = dy(b, i, j, c) * SCALE  if route(b, i, j, c) == 2*di+dj, else 0
// (route, from the forward, is 4 where dropout dropped the element or the max was <= 0, i.e.
// the ReLU derivative is 0). Elements of a dropped odd last column get 0; the invocations
// with i == HO (only when H is odd) write the dropped last row's zeros. Windows do not
// overlap, so every g element has exactly one owner and every one is written.
//
// Bindings:
//   outputGrad: (BATCH, HO, WO, C4) vec4f, read (dL/d dropout output)
//   route:      (BATCH, HO, WO, C4) u32, read (4 codes per word, byte k = channel 4*c4+k)
//   inputGrad:  (BATCH, H, W, C4) vec4f, written (dL/d conv pre-activation)
// Overrides: H, W, C4, HO, WO, HI = ceil(H/2), SAMPLE_ROWS = HI*C4 (BATCH times it: the invocations), SCALE (f32),
//   WORKGROUP_SIZE.
// Invocation t (linear over the 1-D/2-D grid of gridFor): c4 = t % C4, then row pair i in
// 0..HI and batch b; divisions by override constants happen once per invocation.

override SCALE: f32;

override INVOCATIONS: u32 = BATCH * SAMPLE_ROWS;

fn compute(t: u32) {
  let c4 = t % C4;
  let r = t / C4;
  let i = r % HI;
  let b = r / HI;

  let zero = vec4f(0.0);
  let rowStep = W * C4;
  var x = (b * H + 2u * i) * rowStep + c4;
  if (i >= HO) {
    // The dropped last row of an odd H.
    for (var w = 0u; w < W; w++) {
      layout.$.inputGrad[x] = zero;
      x += C4;
    }
    return;
  }
  var o = (b * HO + i) * WO * C4 + c4;
  for (var j = 0u; j < WO; j++) {
    let word = layout.$.route[o];
    let code = (vec4u(word) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu);
    let v = layout.$.outputGrad[o] * SCALE;
    layout.$.inputGrad[x] = select(zero, v, code == vec4u(0u));
    layout.$.inputGrad[x + C4] = select(zero, v, code == vec4u(1u));
    layout.$.inputGrad[x + rowStep] = select(zero, v, code == vec4u(2u));
    layout.$.inputGrad[x + rowStep + C4] = select(zero, v, code == vec4u(3u));
    x += 2u * C4;
    o += C4;
  }
  if (2u * WO < W) {
    // The dropped last column of an odd W (x now points at it in row 2i).
    layout.$.inputGrad[x] = zero;
    layout.$.inputGrad[x + rowStep] = zero;
  }
}
