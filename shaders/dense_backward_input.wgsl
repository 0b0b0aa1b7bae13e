// dense_backward_input (dense variant "tile4x4"; dense_backward_input_tile16x16 is the vec4
// variant): dx = g W^T with g = dL/d(pre-activation) = activationBackward(dy, y, ACT) (y the
// stored post-activation output; ACT = 0, linear, when dy comes already through the activation). One invocation computes a 4x4 register
// block of dx: rows (batch) n0..n0+3 and input features i0..i0+3, i0 varying fastest.
// Out-of-range rows/columns are loaded clamped and not written.
//
// Bindings:
//   outputGrad: (BATCH, OUT) f32, read (dL/d post-activation output)
//   output:     (BATCH, OUT) f32, read (post-activation y; read unless ACT is linear)
//   params:     flat f32 parameter buffer, read; W (IN, OUT) at W_OFFSET
//   inputGrad:  (BATCH, IN) f32, written
// BATCH: the batch's samples (run time). Overrides: IN, OUT, W_OFFSET, ACT (activation code), WORKGROUP_SIZE.
// Invocations: ceil(BATCH/4) * ceil(IN/4).

fn grad(idx: u32) -> f32 {
  let g = layout.$.outputGrad[idx];
  if (ACT == 0u) { return g; }
  return activationBackward(g, layout.$.output[idx], ACT);
}

override INVOCATIONS: u32 = ((IN + 3u) / 4u) * ((BATCH + 3u) / 4u);

fn compute(t: u32) {
  let colTiles = (IN + 3u) / 4u;
  let i0 = (t % colTiles) * 4u;
  let n0 = (t / colTiles) * 4u;
  let wrows = min(vec4u(i0) + vec4u(0u, 1u, 2u, 3u), vec4u(IN - 1u)) * OUT + vec4u(W_OFFSET);
  let rows = min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(BATCH - 1u)) * OUT;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var o = 0u; o < OUT; o++) {
    let wk = wrows + vec4u(o);
    let wv = vec4f(layout.$.params[wk.x], layout.$.params[wk.y], layout.$.params[wk.z], layout.$.params[wk.w]);
    acc0 += grad(rows.x + o) * wv;
    acc1 += grad(rows.y + o) * wv;
    acc2 += grad(rows.z + o) * wv;
    acc3 += grad(rows.w + o) * wv;
  }
  let accs = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    let n = n0 + r;
    if (n >= BATCH) { break; }
    for (var c = 0u; c < 4u; c++) {
      let i = i0 + c;
      if (i < IN) { layout.$.inputGrad[n * IN + i] = accs[r][c]; }
    }
  }
}
