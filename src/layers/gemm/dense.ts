// Dense's three passes as GEMMs over the flat parameter buffer (W (IN, OUT) at W_OFFSET, b at
// B_OFFSET): forward y = act(x W + b); input gradient dx = g W^T; weight gradient dW = x^T g
// with db as one more row of A (all ones). g = dL/d(pre-activation) = activationBackward(dy, y)
// (ACT 0, linear, when dy comes through the activation already). Every output element is written.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { columnVec4Loader, ONES } from './wgsl-snippets.ts';

const SHAPES = 'Overrides: IN, OUT, W_OFFSET, B_OFFSET, USE_BIAS, ACT; BATCH at run time.';

/** The scalar loader of four consecutive columns of W's row k (clamped to OUT - 1). */
const weightRow = `fn loadB4(k: u32, n: u32) -> vec4f {
  let i = vec4u(W_OFFSET + k * OUT) + min(vec4u(n) + vec4u(0u, 1u, 2u, 3u), vec4u(OUT - 1u));
  return vec4f(layout.$.params[i.x], layout.$.params[i.y], layout.$.params[i.z], layout.$.params[i.w]);
}`;

const grad = `fn grad(idx: u32) -> f32 {
  let g = layout.$.outputGrad[idx];
  if (ACT == 0u) { return g; }
  return activationBackward(g, layout.$.output[idx], ACT);
}`;

export const DENSE_FORWARD_GEMM: GemmJob = {
  header: `dense forward as a GEMM: output[m, n] = act(sum_k input[m, k] W[k, n] + b[n]).
Bindings: input (BATCH, IN) read; params flat f32 read; output (BATCH, OUT) post-activation, written.
${SHAPES}`,
  operands: `
override USE_BIAS: bool;
override GM: u32 = BATCH;
override GN: u32 = OUT;
override GK: u32 = IN;
override OUTER: u32 = 1u;
override INNER: u32 = IN;

fn aOrigin(m: u32) -> vec4u { return vec4u(m * IN, 0u, 0u, 0u); }
fn aStep(outer: u32) -> vec4u { return vec4u(0u); }
fn aRow(p: vec4u, t: vec4u) -> u32 { return p.x; }
fn aAt(row: u32, k: u32) -> f32 { return layout.$.input[row + k]; }

${weightRow}

fn store(m: u32, n: u32, part: u32, v: f32) {
  var s = v;
  if (USE_BIAS) { s += layout.$.params[B_OFFSET + n]; }
  layout.$.output[m * OUT + n] = activate(s, ACT);
}`,
};

export const DENSE_INPUT_GEMM: GemmJob = {
  header: `dense input gradient as a GEMM: inputGrad[m, n] = sum_k g[m, k] W[n, k] (W read transposed).
Bindings: outputGrad (BATCH, OUT) read; output (BATCH, OUT) post-activation, read unless ACT is linear;
  params flat f32 read; inputGrad (BATCH, IN) written.
Overrides: IN, OUT, W_OFFSET, ACT; BATCH at run time.`,
  operands: `
override GM: u32 = BATCH;
override GN: u32 = IN;
override GK: u32 = OUT;
override OUTER: u32 = 1u;
override INNER: u32 = OUT;

${grad}

fn aOrigin(m: u32) -> vec4u { return vec4u(m * OUT, 0u, 0u, 0u); }
fn aStep(outer: u32) -> vec4u { return vec4u(0u); }
fn aRow(p: vec4u, t: vec4u) -> u32 { return p.x; }
fn aAt(row: u32, k: u32) -> f32 { return grad(row + k); }

${columnVec4Loader('loadB4', 'params', 'IN', 'OUT', 'W_OFFSET')}

fn store(m: u32, n: u32, part: u32, v: f32) { layout.$.inputGrad[m * IN + n] = v; }`,
};

export const DENSE_WEIGHTS_GEMM: GemmJob = {
  header: `dense weight gradient as a GEMM: dW[m, n] = sum_k input[k, m] g[k, n] (input read transposed);
  row m = IN (with USE_BIAS) is all ones: its sums are db.
Bindings: input (BATCH, IN) read; outputGrad (BATCH, OUT) read; output (BATCH, OUT) read unless ACT is linear;
  grads flat f32: dW at W_OFFSET, db at B_OFFSET, written.
Overrides: IN, OUT, W_OFFSET, B_OFFSET, ACT, GM (rows: IN + USE_BIAS); BATCH at run time.`,
  operands: `${ONES}
override GN: u32 = OUT;
override GK: u32 = BATCH;
override OUTER: u32 = 1u;
override INNER: u32 = BATCH;

${grad}

// Column m of the input (read transposed), or ONES on db's row.
fn aOrigin(m: u32) -> vec4u { return vec4u(select(m, ONES, m >= IN), 0u, 0u, 0u); }
fn aStep(outer: u32) -> vec4u { return vec4u(0u); }
fn aRow(p: vec4u, t: vec4u) -> u32 { return p.x; }
fn aAt(row: u32, k: u32) -> f32 {
  if (row == ONES) { return 1.0; }
  return layout.$.input[k * IN + row];
}

fn loadB4(k: u32, n: u32) -> vec4f {
  let i = vec4u(k * OUT) + min(vec4u(n) + vec4u(0u, 1u, 2u, 3u), vec4u(OUT - 1u));
  return vec4f(grad(i.x), grad(i.y), grad(i.z), grad(i.w));
}

fn store(m: u32, n: u32, part: u32, v: f32) {
  if (m < IN) { layout.$.grads[W_OFFSET + m * OUT + n] = v; } else { layout.$.grads[B_OFFSET + n] = v; }
}`,
};
