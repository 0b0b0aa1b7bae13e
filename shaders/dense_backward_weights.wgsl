// dense_backward_weights (dense variant "tile4x4"; dense_backward_weights_tile16x16 is the
// vec4 variant): dW = x^T g and, when USE_BIAS, db = sum over the batch of g, with
// g = dL/d(pre-activation) = activationBackward(dy, y, ACT) (ACT = 0, linear, when dy comes
// already through the activation). The batch reduction is short (BATCH), so
// each invocation loops over the whole batch itself (no split-K, no atomics).
// One invocation computes a 4x4 register block of dW: input features i0..i0+3 and output
// features o0..o0+3 (o0 varying fastest); the invocations with i0 == 0 also write
// db[o0..o0+3] (when USE_BIAS). Gradients are WRITTEN (not accumulated). Out-of-range rows/columns are
// loaded clamped and not written.
//
// Bindings:
//   input:      (BATCH, IN) f32, read (the forward's input x)
//   outputGrad: (BATCH, OUT) f32, read (dL/d post-activation output)
//   output:     (BATCH, OUT) f32, read (post-activation y; read unless ACT is linear)
//   grads:      flat f32 gradient buffer, written; dW (IN, OUT) at W_OFFSET, db (OUT) at B_OFFSET
//               (written only when USE_BIAS)
// BATCH: the batch's samples (run time). Overrides: IN, OUT, W_OFFSET, B_OFFSET, ACT (activation code), USE_BIAS (bool),
// WORKGROUP_SIZE.
// Invocations: ceil(IN/4) * ceil(OUT/4).

override USE_BIAS: bool;

fn grad4(idx: vec4u) -> vec4f {
  let g = vec4f(layout.$.outputGrad[idx.x], layout.$.outputGrad[idx.y],
                layout.$.outputGrad[idx.z], layout.$.outputGrad[idx.w]);
  if (ACT == 0u) { return g; }
  let y = vec4f(layout.$.output[idx.x], layout.$.output[idx.y],
                layout.$.output[idx.z], layout.$.output[idx.w]);
  return activationBackward4(g, y, ACT);
}

override INVOCATIONS: u32 = ((OUT + 3u) / 4u) * ((IN + 3u) / 4u);

fn compute(t: u32) {
  let colTiles = (OUT + 3u) / 4u;
  let o0 = (t % colTiles) * 4u;
  let i0 = (t / colTiles) * 4u;
  let cols = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(OUT - 1u));
  let feats = min(vec4u(i0) + vec4u(0u, 1u, 2u, 3u), vec4u(IN - 1u));

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  var accB = vec4f(0.0);
  for (var n = 0u; n < BATCH; n++) {
    let g = grad4(cols + vec4u(n * OUT));
    let xr = feats + vec4u(n * IN);
    acc0 += layout.$.input[xr.x] * g;
    acc1 += layout.$.input[xr.y] * g;
    acc2 += layout.$.input[xr.z] * g;
    acc3 += layout.$.input[xr.w] * g;
    accB += g;
  }
  let accs = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + r;
    if (i >= IN) { break; }
    for (var c = 0u; c < 4u; c++) {
      let o = o0 + c;
      if (o < OUT) { layout.$.grads[W_OFFSET + i * OUT + o] = accs[r][c]; }
    }
  }
  if (USE_BIAS && i0 == 0u) {
    for (var c = 0u; c < 4u; c++) {
      let o = o0 + c;
      if (o < OUT) { layout.$.grads[B_OFFSET + o] = accB[c]; }
    }
  }
}
