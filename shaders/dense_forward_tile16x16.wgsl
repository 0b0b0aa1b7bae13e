// dense_forward_tile16x16 (dense variant "tile16x16"): y = act(x W + b), the bias added only
// when USE_BIAS and act the elementwise activation of code ACT (the stored output is
// post-activation); same contract as dense_forward
// (variant "tile4x4") with vec4 loads and a larger register block, for SwiftShader, where a
// storage load costs as much as dozens of multiply-adds.
// One invocation computes a 16x16 block of y: rows (batch) n0..n0+15 and output features
// o0..o0+15 (4 vec4 column groups; the column block varies fastest across invocations). Per
// 4 k it loads 16 vec4 of W (W[k..k+3, o0..o0+15]) and one vec4 of x per row (x[n, k..k+3]),
// 32 loads for 1024 multiply-adds (dense_forward: 32 scalar loads for 64).
// Rows and column groups past BATCH/OUT are loaded clamped and not written.
// Requires IN % 4 == 0, OUT % 4 == 0, W_OFFSET % 4 == 0 and, with USE_BIAS, B_OFFSET % 4 == 0
// (defaultDenseVariant in src/layers/dense.ts).
//
// Bindings:
//   input:  (BATCH, IN) f32 viewed as vec4 (IN/4 per row), read (a flattened NHWC tensor as-is)
//   params: flat f32 parameter buffer viewed as vec4, read; W (IN, OUT) at float offset
//           W_OFFSET, b (OUT) at float offset B_OFFSET (read only when USE_BIAS)
//   output: (BATCH, OUT) f32 viewed as vec4 (OUT/4 per row), written
// BATCH: the batch's samples (run time). Overrides: IN, OUT, W_OFFSET, B_OFFSET, ACT (activation code), USE_BIAS (bool),
// WORKGROUP_SIZE.
// Invocations: ceil(BATCH/16) * ceil(OUT/16).

override USE_BIAS: bool;

// 16 consecutive features of one row: 4 vec4 groups.
struct Cols { c0: vec4f, c1: vec4f, c2: vec4f, c3: vec4f }
// W[k + j, o0..o0+15] for j = 0..3.
struct WTile { k0: Cols, k1: Cols, k2: Cols, k3: Cols }

fn madd(a: vec4f, x: vec4f, w0: vec4f, w1: vec4f, w2: vec4f, w3: vec4f) -> vec4f {
  return a + x.x * w0 + x.y * w1 + x.z * w2 + x.w * w3;
}

// One row's accumulators plus x[n, k..k+3] times W[k..k+3, o0..o0+15]: 64 multiply-adds.
fn maddRow(a: Cols, x: vec4f, w: WTile) -> Cols {
  return Cols(
    madd(a.c0, x, w.k0.c0, w.k1.c0, w.k2.c0, w.k3.c0),
    madd(a.c1, x, w.k0.c1, w.k1.c1, w.k2.c1, w.k3.c1),
    madd(a.c2, x, w.k0.c2, w.k1.c2, w.k2.c2, w.k3.c2),
    madd(a.c3, x, w.k0.c3, w.k1.c3, w.k2.c3, w.k3.c3),
  );
}

// params[i + c.x], ..., params[i + c.w] (vec4 indices).
fn loadCols(i: u32, c: vec4u) -> Cols {
  return Cols(layout.$.params[i + c.x], layout.$.params[i + c.y], layout.$.params[i + c.z], layout.$.params[i + c.w]);
}

// y[n, 4 g0 .. 4 g0 + 15] = activate(a), skipping rows past BATCH and groups past OUT/4.
fn storeRow(n: u32, g0: u32, a: Cols) {
  let O4 = OUT / 4u;
  if (n >= BATCH) { return; }
  let i = n * O4 + g0;
  layout.$.output[i] = activate4(a.c0, ACT);
  if (g0 + 1u < O4) { layout.$.output[i + 1u] = activate4(a.c1, ACT); }
  if (g0 + 2u < O4) { layout.$.output[i + 2u] = activate4(a.c2, ACT); }
  if (g0 + 3u < O4) { layout.$.output[i + 3u] = activate4(a.c3, ACT); }
}

override INVOCATIONS: u32 = (((OUT / 4u) + 3u) / 4u) * ((BATCH + 15u) / 16u);

fn compute(t: u32) {
  let I4 = IN / 4u;
  let O4 = OUT / 4u;
  let colBlocks = (O4 + 3u) / 4u;
  let g0 = (t % colBlocks) * 4u; // first vec4 column group
  let n0 = (t / colBlocks) * 16u;
  let cols = min(vec4u(g0) + vec4u(0u, 1u, 2u, 3u), vec4u(O4 - 1u));
  let last = BATCH - 1u;
  let r0 = min(n0, last) * I4;
  let r1 = min(n0 + 1u, last) * I4;
  let r2 = min(n0 + 2u, last) * I4;
  let r3 = min(n0 + 3u, last) * I4;
  let r4 = min(n0 + 4u, last) * I4;
  let r5 = min(n0 + 5u, last) * I4;
  let r6 = min(n0 + 6u, last) * I4;
  let r7 = min(n0 + 7u, last) * I4;
  let r8 = min(n0 + 8u, last) * I4;
  let r9 = min(n0 + 9u, last) * I4;
  let r10 = min(n0 + 10u, last) * I4;
  let r11 = min(n0 + 11u, last) * I4;
  let r12 = min(n0 + 12u, last) * I4;
  let r13 = min(n0 + 13u, last) * I4;
  let r14 = min(n0 + 14u, last) * I4;
  let r15 = min(n0 + 15u, last) * I4;

  var bias = Cols(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  if (USE_BIAS) { bias = loadCols(B_OFFSET / 4u, cols); }
  var a0 = bias; var a1 = bias; var a2 = bias; var a3 = bias;
  var a4 = bias; var a5 = bias; var a6 = bias; var a7 = bias;
  var a8 = bias; var a9 = bias; var a10 = bias; var a11 = bias;
  var a12 = bias; var a13 = bias; var a14 = bias; var a15 = bias;
  var w = W_OFFSET / 4u; // vec4 index of W[k, 0]
  for (var k4 = 0u; k4 < I4; k4++) {
    let wt = WTile(loadCols(w, cols), loadCols(w + O4, cols), loadCols(w + 2u * O4, cols), loadCols(w + 3u * O4, cols));
    w += 4u * O4;
    a0 = maddRow(a0, layout.$.input[r0 + k4], wt);
    a1 = maddRow(a1, layout.$.input[r1 + k4], wt);
    a2 = maddRow(a2, layout.$.input[r2 + k4], wt);
    a3 = maddRow(a3, layout.$.input[r3 + k4], wt);
    a4 = maddRow(a4, layout.$.input[r4 + k4], wt);
    a5 = maddRow(a5, layout.$.input[r5 + k4], wt);
    a6 = maddRow(a6, layout.$.input[r6 + k4], wt);
    a7 = maddRow(a7, layout.$.input[r7 + k4], wt);
    a8 = maddRow(a8, layout.$.input[r8 + k4], wt);
    a9 = maddRow(a9, layout.$.input[r9 + k4], wt);
    a10 = maddRow(a10, layout.$.input[r10 + k4], wt);
    a11 = maddRow(a11, layout.$.input[r11 + k4], wt);
    a12 = maddRow(a12, layout.$.input[r12 + k4], wt);
    a13 = maddRow(a13, layout.$.input[r13 + k4], wt);
    a14 = maddRow(a14, layout.$.input[r14 + k4], wt);
    a15 = maddRow(a15, layout.$.input[r15 + k4], wt);
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
