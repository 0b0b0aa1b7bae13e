// maxpool_inference: 2x2 max pooling, stride 2, floor ("valid"), NHWC, for inference-only
// layers: the same output as maxpool_forward (first maximum in window order on ties, which
// does not change the value) without the arg-max that only the backward pass needs.
// One invocation computes ONE pooled output element (b, i, j, c): the max of its 2x2 window.
//
// Bindings:
//   input:  (BATCH, H, W, C) f32, read
//   output: (BATCH, HO, WO, C) f32, written; HO = floor(H/2), WO = floor(W/2)
// Overrides: H, W, C, HO, WO, COUNT = BATCH*HO*WO*C, WORKGROUP_SIZE.

fn compute(o: u32) {
  let c = o % C;
  let pix = o / C;
  let j = pix % WO;
  let rows = pix / WO;
  let i = rows % HO;
  let b = rows / HO;
  let base = ((b * H + 2u * i) * W + 2u * j) * C + c;
  let rowStep = W * C;
  let v0 = layout.$.input[base];
  let v1 = layout.$.input[base + C];
  let v2 = layout.$.input[base + rowStep];
  let v3 = layout.$.input[base + rowStep + C];
  var best = v0;
  if (v1 > best) { best = v1; }
  if (v2 > best) { best = v2; }
  if (v3 > best) { best = v3; }
  layout.$.output[o] = best;
}
