// dense_backward_weights_tile16x16 (dense variant "tile16x16"): dW = x^T g and, when
// USE_BIAS, db = sum over the batch of g, with g = dL/d(pre-activation) =
// activationBackward(dy, y, ACT) (ACT = 0, linear, when dy comes already through the activation); same
// contract as dense_backward_weights (variant "tile4x4") with vec4 loads and a larger register
// block, for SwiftShader, where a storage load costs as much as dozens of multiply-adds. Each
// invocation loops over the whole batch itself (no split-K, no atomics).
// One invocation computes a 16x16 block of dW: input features i0..i0+15 (4 vec4 groups of
// x[n, .]) and output features o0..o0+15 (4 vec4 groups of g[n, .]; the column block varies
// fastest across invocations). Per 4 batch rows it loads 16 vec4 of x and 16 of g (unless ACT
// is linear also 16 of y), 32 loads (48 with y) for 1024 multiply-adds. A last partial group of batch rows is
// loaded clamped with its g zeroed. The invocations with i0 == 0 also write db[o0..o0+15] (when USE_BIAS).
// Gradients are WRITTEN (not accumulated). Row/column groups past IN/OUT are loaded clamped
// and not written.
// Requires IN % 4 == 0, OUT % 4 == 0, W_OFFSET % 4 == 0 and, with USE_BIAS, B_OFFSET % 4 == 0
// (defaultDenseVariant in src/layers/dense.ts).
//
// Bindings:
//   input:      (BATCH, IN) f32 viewed as vec4 (IN/4 per row), read (the forward's input x)
//   outputGrad: (BATCH, OUT) f32 viewed as vec4 (OUT/4 per row), read (dL/d post-activation output)
//   output:     (BATCH, OUT) f32 viewed as vec4, read (post-activation y; read unless ACT is linear)
//   grads:      flat f32 gradient buffer viewed as vec4, written; dW (IN, OUT) at float offset
//               W_OFFSET, db (OUT) at float offset B_OFFSET (written only when USE_BIAS)
// BATCH: the batch's samples (run time). Overrides: IN, OUT, W_OFFSET, B_OFFSET, ACT (activation code), USE_BIAS (bool),
// WORKGROUP_SIZE.
// Invocations: ceil(IN/16) * ceil(OUT/16).

override USE_BIAS: bool;

// 16 consecutive features of one row: 4 vec4 groups.
struct Cols { c0: vec4f, c1: vec4f, c2: vec4f, c3: vec4f }
// x[n + u, i0..i0+15] (or g[n + u, o0..o0+15]) in k<u>, for 4 batch rows.
struct Tile { k0: Cols, k1: Cols, k2: Cols, k3: Cols }

fn madd(a: vec4f, s: vec4f, g0: vec4f, g1: vec4f, g2: vec4f, g3: vec4f) -> vec4f {
  return a + s.x * g0 + s.y * g1 + s.z * g2 + s.w * g3;
}

// One dW row's accumulators plus sum over the 4 batch rows u of s[u] g[n + u, o0..o0+15]:
// 64 multiply-adds (s holds x[n + u, i] for u = 0..3).
fn maddRow(a: Cols, s: vec4f, g: Tile) -> Cols {
  return Cols(
    madd(a.c0, s, g.k0.c0, g.k1.c0, g.k2.c0, g.k3.c0),
    madd(a.c1, s, g.k0.c1, g.k1.c1, g.k2.c1, g.k3.c1),
    madd(a.c2, s, g.k0.c2, g.k1.c2, g.k2.c2, g.k3.c2),
    madd(a.c3, s, g.k0.c3, g.k1.c3, g.k2.c3, g.k3.c3),
  );
}

// x[row, 4 c.x .. ], ..., x[row, 4 c.w ..]: 16 input features (vec4 indices; row = n * IN/4).
fn loadX(row: u32, c: vec4u) -> Cols {
  return Cols(layout.$.input[row + c.x], layout.$.input[row + c.y], layout.$.input[row + c.z], layout.$.input[row + c.w]);
}

// g[idx] (a vec4 of 4 output features), zeroed when not live, through the activation's
// derivative unless ACT is linear.
fn grad(idx: u32, live: bool) -> vec4f {
  let g = select(vec4f(0.0), layout.$.outputGrad[idx], live);
  if (ACT == 0u) { return g; }
  return activationBackward4(g, layout.$.output[idx], ACT);
}

// g[n, 4 c.x ..], ..., g[n, 4 c.w ..]: 16 output features of batch row n (vec4 indices; row = n * OUT/4).
fn loadG(row: u32, c: vec4u, live: bool) -> Cols {
  return Cols(grad(row + c.x, live), grad(row + c.y, live), grad(row + c.z, live), grad(row + c.w, live));
}

fn addCols(a: Cols, b: Cols) -> Cols {
  return Cols(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2, a.c3 + b.c3);
}

// grads[base + 4 g0 .. + 15] = a (vec4 index base), skipping groups past OUT/4.
fn storeCols(base: u32, g0: u32, a: Cols) {
  let O4 = OUT / 4u;
  layout.$.grads[base + g0] = a.c0;
  if (g0 + 1u < O4) { layout.$.grads[base + g0 + 1u] = a.c1; }
  if (g0 + 2u < O4) { layout.$.grads[base + g0 + 2u] = a.c2; }
  if (g0 + 3u < O4) { layout.$.grads[base + g0 + 3u] = a.c3; }
}

// dW[i, 4 g0 .. 4 g0 + 15] = a, skipping rows past IN.
fn storeRow(i: u32, g0: u32, a: Cols) {
  if (i < IN) { storeCols(W_OFFSET / 4u + i * (OUT / 4u), g0, a); }
}

override INVOCATIONS: u32 = (((OUT / 4u) + 3u) / 4u) * (((IN / 4u) + 3u) / 4u);

fn compute(t: u32) {
  let I4 = IN / 4u;
  let O4 = OUT / 4u;
  let colBlocks = (O4 + 3u) / 4u;
  let g0 = (t % colBlocks) * 4u; // first vec4 group of output features
  let x0 = (t / colBlocks) * 4u; // first vec4 group of input features
  let gc = min(vec4u(g0) + vec4u(0u, 1u, 2u, 3u), vec4u(O4 - 1u));
  let xc = min(vec4u(x0) + vec4u(0u, 1u, 2u, 3u), vec4u(I4 - 1u));

  let zero = Cols(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  var a0 = zero; var a1 = zero; var a2 = zero; var a3 = zero;
  var a4 = zero; var a5 = zero; var a6 = zero; var a7 = zero;
  var a8 = zero; var a9 = zero; var a10 = zero; var a11 = zero;
  var a12 = zero; var a13 = zero; var a14 = zero; var a15 = zero;
  var db = zero;
  let last = BATCH - 1u;
  for (var n = 0u; n < BATCH; n += 4u) {
    // Batch rows n..n+3; rows past BATCH are loaded clamped with g zeroed.
    let p0 = loadX(n * I4, xc);
    let p1 = loadX(min(n + 1u, last) * I4, xc);
    let p2 = loadX(min(n + 2u, last) * I4, xc);
    let p3 = loadX(min(n + 3u, last) * I4, xc);
    let g = Tile(
      loadG(n * O4, gc, true),
      loadG(min(n + 1u, last) * O4, gc, n + 1u < BATCH),
      loadG(min(n + 2u, last) * O4, gc, n + 2u < BATCH),
      loadG(min(n + 3u, last) * O4, gc, n + 3u < BATCH),
    );
    a0 = maddRow(a0, vec4f(p0.c0.x, p1.c0.x, p2.c0.x, p3.c0.x), g);
    a1 = maddRow(a1, vec4f(p0.c0.y, p1.c0.y, p2.c0.y, p3.c0.y), g);
    a2 = maddRow(a2, vec4f(p0.c0.z, p1.c0.z, p2.c0.z, p3.c0.z), g);
    a3 = maddRow(a3, vec4f(p0.c0.w, p1.c0.w, p2.c0.w, p3.c0.w), g);
    a4 = maddRow(a4, vec4f(p0.c1.x, p1.c1.x, p2.c1.x, p3.c1.x), g);
    a5 = maddRow(a5, vec4f(p0.c1.y, p1.c1.y, p2.c1.y, p3.c1.y), g);
    a6 = maddRow(a6, vec4f(p0.c1.z, p1.c1.z, p2.c1.z, p3.c1.z), g);
    a7 = maddRow(a7, vec4f(p0.c1.w, p1.c1.w, p2.c1.w, p3.c1.w), g);
    a8 = maddRow(a8, vec4f(p0.c2.x, p1.c2.x, p2.c2.x, p3.c2.x), g);
    a9 = maddRow(a9, vec4f(p0.c2.y, p1.c2.y, p2.c2.y, p3.c2.y), g);
    a10 = maddRow(a10, vec4f(p0.c2.z, p1.c2.z, p2.c2.z, p3.c2.z), g);
    a11 = maddRow(a11, vec4f(p0.c2.w, p1.c2.w, p2.c2.w, p3.c2.w), g);
    a12 = maddRow(a12, vec4f(p0.c3.x, p1.c3.x, p2.c3.x, p3.c3.x), g);
    a13 = maddRow(a13, vec4f(p0.c3.y, p1.c3.y, p2.c3.y, p3.c3.y), g);
    a14 = maddRow(a14, vec4f(p0.c3.z, p1.c3.z, p2.c3.z, p3.c3.z), g);
    a15 = maddRow(a15, vec4f(p0.c3.w, p1.c3.w, p2.c3.w, p3.c3.w), g);
    db = addCols(db, addCols(addCols(g.k0, g.k1), addCols(g.k2, g.k3)));
  }
  let i0 = x0 * 4u;
  storeRow(i0, g0, a0);
  storeRow(i0 + 1u, g0, a1);
  storeRow(i0 + 2u, g0, a2);
  storeRow(i0 + 3u, g0, a3);
  storeRow(i0 + 4u, g0, a4);
  storeRow(i0 + 5u, g0, a5);
  storeRow(i0 + 6u, g0, a6);
  storeRow(i0 + 7u, g0, a7);
  storeRow(i0 + 8u, g0, a8);
  storeRow(i0 + 9u, g0, a9);
  storeRow(i0 + 10u, g0, a10);
  storeRow(i0 + 11u, g0, a11);
  storeRow(i0 + 12u, g0, a12);
  storeRow(i0 + 13u, g0, a13);
  storeRow(i0 + 14u, g0, a14);
  storeRow(i0 + 15u, g0, a15);
  if (USE_BIAS && x0 == 0u) { storeCols(B_OFFSET / 4u, g0, db); }
}
