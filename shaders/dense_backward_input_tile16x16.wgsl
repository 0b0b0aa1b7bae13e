// dense_backward_input_tile16x16 (dense variant "tile16x16"): dx = g W^T with
// g = dL/d(pre-activation) = activationBackward(dy, y, ACT) (y the stored post-activation output;
// ACT = 0, linear, when dy comes already through the activation);
// same contract as dense_backward_input (variant "tile4x4") with vec4 loads and a larger
// register block, for SwiftShader, where a storage load costs as much as dozens of multiply-adds.
// One invocation computes a 16x16 block of dx: rows (batch) n0..n0+15 and input features
// i0..i0+15 (4 vec4 column groups; the column block varies fastest across invocations). Per
// 4 output features o..o+3 it loads 16 vec4 of W (W[i, o..o+3], one per input feature) and
// one vec4 of g per row (g[n, o..o+3]; unless ACT is linear also one of y), 32 loads (48 with y) for
// 1024 multiply-adds (256 dot products). Rows and column groups past BATCH/IN are loaded
// clamped and not written.
// Requires IN % 4 == 0, OUT % 4 == 0, W_OFFSET % 4 == 0 (defaultDenseVariant in src/layers/dense.ts).
//
// Bindings:
//   outputGrad: (BATCH, OUT) f32 viewed as vec4, read (dL/d post-activation output)
//   output:     (BATCH, OUT) f32 viewed as vec4, read (post-activation y; read unless ACT is linear)
//   params:     flat f32 parameter buffer viewed as vec4, read; W (IN, OUT) at float offset W_OFFSET
//   inputGrad:  (BATCH, IN) f32 viewed as vec4 (IN/4 per row), written
// BATCH: the batch's samples (run time). Overrides: IN, OUT, W_OFFSET, ACT (activation code), WORKGROUP_SIZE.
// Invocations: ceil(BATCH/16) * ceil(IN/16).

// 16 consecutive features of one row: 4 vec4 groups.
struct Cols { c0: vec4f, c1: vec4f, c2: vec4f, c3: vec4f }
// W[i0 + 4 j + m, o..o+3] in q<j>.c<m>, for the block's 16 input features.
struct WRows { q0: Cols, q1: Cols, q2: Cols, q3: Cols }

// g[idx] (a vec4 of 4 output features), through the activation's derivative unless ACT is linear.
fn grad(idx: u32) -> vec4f {
  let g = layout.$.outputGrad[idx];
  if (ACT == 0u) { return g; }
  return activationBackward4(g, layout.$.output[idx], ACT);
}

// a + (g . w.c0, g . w.c1, g . w.c2, g . w.c3): 4 input features of one row.
fn dot4(a: vec4f, g: vec4f, w: Cols) -> vec4f {
  return a + vec4f(dot(g, w.c0), dot(g, w.c1), dot(g, w.c2), dot(g, w.c3));
}

// One row's accumulators plus g[n, o..o+3] . W[i, o..o+3] for the 16 input features: 64 multiply-adds.
fn dotRow(a: Cols, g: vec4f, w: WRows) -> Cols {
  return Cols(dot4(a.c0, g, w.q0), dot4(a.c1, g, w.q1), dot4(a.c2, g, w.q2), dot4(a.c3, g, w.q3));
}

// params[rows.x + o4], ..., params[rows.w + o4] (vec4 indices): 4 W rows at output group o4.
fn loadRows(rows: vec4u, o4: u32) -> Cols {
  return Cols(layout.$.params[rows.x + o4], layout.$.params[rows.y + o4], layout.$.params[rows.z + o4], layout.$.params[rows.w + o4]);
}

// dx[n, 4 g0 .. 4 g0 + 15] = a, skipping rows past BATCH and groups past IN/4.
fn storeRow(n: u32, g0: u32, a: Cols) {
  let I4 = IN / 4u;
  if (n >= BATCH) { return; }
  let i = n * I4 + g0;
  layout.$.inputGrad[i] = a.c0;
  if (g0 + 1u < I4) { layout.$.inputGrad[i + 1u] = a.c1; }
  if (g0 + 2u < I4) { layout.$.inputGrad[i + 2u] = a.c2; }
  if (g0 + 3u < I4) { layout.$.inputGrad[i + 3u] = a.c3; }
}

override INVOCATIONS: u32 = (((IN / 4u) + 3u) / 4u) * ((BATCH + 15u) / 16u);

fn compute(t: u32) {
  let I4 = IN / 4u;
  let O4 = OUT / 4u;
  let colBlocks = (I4 + 3u) / 4u;
  let g0 = (t % colBlocks) * 4u; // first vec4 column group of dx
  let n0 = (t / colBlocks) * 16u;
  // vec4 index of W[i, 0] for the block's input features i0 + 4 j + m (clamped).
  let i0 = vec4u(g0 * 4u) + vec4u(0u, 1u, 2u, 3u);
  let wBase = vec4u(W_OFFSET / 4u);
  let lastI = vec4u(IN - 1u);
  let v0 = wBase + min(i0, lastI) * O4;
  let v1 = wBase + min(i0 + vec4u(4u), lastI) * O4;
  let v2 = wBase + min(i0 + vec4u(8u), lastI) * O4;
  let v3 = wBase + min(i0 + vec4u(12u), lastI) * O4;
  let last = BATCH - 1u;
  let r0 = min(n0, last) * O4;
  let r1 = min(n0 + 1u, last) * O4;
  let r2 = min(n0 + 2u, last) * O4;
  let r3 = min(n0 + 3u, last) * O4;
  let r4 = min(n0 + 4u, last) * O4;
  let r5 = min(n0 + 5u, last) * O4;
  let r6 = min(n0 + 6u, last) * O4;
  let r7 = min(n0 + 7u, last) * O4;
  let r8 = min(n0 + 8u, last) * O4;
  let r9 = min(n0 + 9u, last) * O4;
  let r10 = min(n0 + 10u, last) * O4;
  let r11 = min(n0 + 11u, last) * O4;
  let r12 = min(n0 + 12u, last) * O4;
  let r13 = min(n0 + 13u, last) * O4;
  let r14 = min(n0 + 14u, last) * O4;
  let r15 = min(n0 + 15u, last) * O4;

  let zero = Cols(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  var a0 = zero; var a1 = zero; var a2 = zero; var a3 = zero;
  var a4 = zero; var a5 = zero; var a6 = zero; var a7 = zero;
  var a8 = zero; var a9 = zero; var a10 = zero; var a11 = zero;
  var a12 = zero; var a13 = zero; var a14 = zero; var a15 = zero;
  for (var o4 = 0u; o4 < O4; o4++) {
    let w = WRows(loadRows(v0, o4), loadRows(v1, o4), loadRows(v2, o4), loadRows(v3, o4));
    a0 = dotRow(a0, grad(r0 + o4), w);
    a1 = dotRow(a1, grad(r1 + o4), w);
    a2 = dotRow(a2, grad(r2 + o4), w);
    a3 = dotRow(a3, grad(r3 + o4), w);
    a4 = dotRow(a4, grad(r4 + o4), w);
    a5 = dotRow(a5, grad(r5 + o4), w);
    a6 = dotRow(a6, grad(r6 + o4), w);
    a7 = dotRow(a7, grad(r7 + o4), w);
    a8 = dotRow(a8, grad(r8 + o4), w);
    a9 = dotRow(a9, grad(r9 + o4), w);
    a10 = dotRow(a10, grad(r10 + o4), w);
    a11 = dotRow(a11, grad(r11 + o4), w);
    a12 = dotRow(a12, grad(r12 + o4), w);
    a13 = dotRow(a13, grad(r13 + o4), w);
    a14 = dotRow(a14, grad(r14 + o4), w);
    a15 = dotRow(a15, grad(r15 + o4), w);
  }
  storeRow(n0, g0, a0);
  storeRow(n0 + 1u, g0, a1);
  storeRow(n0 + 2u, g0, a2);
  storeRow(n0 + 3u, g0, a3);
  storeRow(n0 + 4u, g0, a4);
  storeRow(n0 + 5u, g0, a5);
  storeRow(n0 + 6u, g0, a6);
  storeRow(n0 + 7u, g0, a7);
  storeRow(n0 + 8u, g0, a8);
  storeRow(n0 + 9u, g0, a9);
  storeRow(n0 + 10u, g0, a10);
  storeRow(n0 + 11u, g0, a11);
  storeRow(n0 + 12u, g0, a12);
  storeRow(n0 + 13u, g0, a13);
  storeRow(n0 + 14u, g0, a14);
  storeRow(n0 + 15u, g0, a15);
}
