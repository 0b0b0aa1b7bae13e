// The WGSL of one generated GEMM kernel, C = A x B, over the generated prelude
// (src/gpu/shader-prelude.ts). A job (src/layers/gemm/: a Dense or Conv2D pass) says where the
// operands come from and where C goes; this file emits the tiling around them:
//   GM, GN, GK          C is GM x GN, the sum runs over GK (overrides of the job, run-time
//                       values where they grow with the batch)
//   OUTER, INNER        GK = OUTER x INNER, k = outer * INNER + inner (a convolution's taps and
//                       channels): A's address arithmetic is split so that each part is done once
//   fn aOrigin(m) -> vec4u        what row m's addresses need (e.g. its output position), once per row
//   fn aStep(outer) -> vec4u      what an outer step's addresses need (e.g. its tap), once per step
//   fn aRow(origin, step) -> u32  row m's place for that outer step (an index, or a sentinel
//                       the job's aAt reads as 0 or 1: padding, a bias row of ones)
//   fn aAt(row, inner) -> f32     A[m, outer * INNER + inner] from aRow's value
//   fn loadB4(k, n)     B[k, n..n+3] for k < GK, n < GN a multiple of 4 (columns past GN: any finite value)
//   fn store(m, n, part, v)   C[m, n] = v (the epilogue: bias, activation, or a K-split's partial row)
// and optionally a K split: `parts` workgroup layers, part p summing k in [p*length, min(GK, (p+1)*length)).
// One workgroup computes a TM x TN tile of C, each invocation an RM x RN register block (RN/4
// vec4 accumulators per row). With `shared`, each K step of TK stages the A tile (TK x TM f32)
// and the B tile (TK x TN/4 vec4) in workgroup memory, every invocation loading its share, then
// reads its operands from there; without, each invocation loads its own rows and columns.
// Workgroups are numbered over the 1-D or 2-D grid of gridFor (kernel.ts), tile column fastest,
// then tile row, then part; the surplus of a 2-D grid computes nothing.
import { checkGemmTile, gemmInvocations, type GemmTile } from './gemm-tile.ts';

export interface GemmJob {
  /** Header comment: what C, A and B are, the bindings and their shapes. */
  header: string;
  /** WGSL defining GM, GN, GK, OUTER, INNER (overrides), aOrigin, aStep, aRow, aAt, loadB4, store and whatever they need. */
  operands: string;
  /** K split (default: none): WGSL expressions of the number of parts and of each part's K length. */
  split?: { parts: string; length: string };
}

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

/** acc_r_j += a_r * b_j for the whole register block. */
function multiplyAdd(t: GemmTile): string {
  const vecs = t.rn / 4;
  return lines(t.rm, (r) => lines(vecs, (j) => `      acc${r}_${j} += a${r} * b${j};`));
}

/** A[m, k] for a flat k (one aRow per element: the staged tiles and the K-split). */
const flatA = (m: string, k: string) => `aAt(aRow(aOrigin(${m}), aStep(${k} / INNER)), ${k} % INNER)`;

function directLoop(t: GemmTile, split: boolean): string {
  const origins = lines(t.rm, (r) => `  let origin${r} = aOrigin(min(m0 + ty * RM + ${r}u, GM - 1u));`);
  const bs = (indent: string, k: string) => lines(t.rn / 4, (j) => `${indent}let b${j} = loadB4(${k}, min(n0 + tx * RN + ${4 * j}u, GN - 1u));`);
  if (split) {
    // A run of single k: one step per k, shared by the rows.
    return `${origins}
  for (var k = kBegin; k < kEnd; k++) {
    let step = aStep(k / INNER);
${bs('    ', 'k')}
${lines(t.rm, (r) => `    let a${r} = aAt(aRow(origin${r}, step), k % INNER);`)}
${multiplyAdd(t).replace(/^ {6}/gm, '    ')}
  }`;
  }
  // The whole K: A's row places once per outer step, then a run of INNER consecutive k.
  return `${origins}
  for (var outer = 0u; outer < OUTER; outer++) {
    let step = aStep(outer);
${lines(t.rm, (r) => `    let row${r} = aRow(origin${r}, step);`)}
    let kBase = outer * INNER;
    for (var inner = 0u; inner < INNER; inner++) {
${bs('      ', 'kBase + inner')}
${lines(t.rm, (r) => `      let a${r} = aAt(row${r}, inner);`)}
${multiplyAdd(t)}
    }
  }`;
}

function stagedLoop(t: GemmTile): string {
  return `  for (var k0 = kBegin; k0 < kEnd; k0 += TK) {
    for (var i = lid; i < TK * TM; i += WG) {
      let k = k0 + i / TM;
      let kc = min(k, kEnd - 1u);
      tileA[i] = select(0.0, ${flatA('min(m0 + i % TM, GM - 1u)', 'kc')}, k < kEnd);
    }
    for (var i = lid; i < TK * (TN / 4u); i += WG) {
      tileB[i] = loadB4(min(k0 + i / (TN / 4u), kEnd - 1u), min(n0 + 4u * (i % (TN / 4u)), GN - 1u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
${lines(t.rm, (r) => `      let a${r} = tileA[kk * TM + ty * RM + ${r}u];`)}
${lines(t.rn / 4, (j) => `      let b${j} = tileB[kk * (TN / 4u) + tx * (RN / 4u) + ${j}u];`)}
${multiplyAdd(t)}
    }
    workgroupBarrier();
  }`;
}

/** The kernel's WGSL template for `tile` around `job`'s operands. */
export function gemmWgsl(job: GemmJob, tile: GemmTile): string {
  checkGemmTile(tile);
  const t = tile;
  const vecs = t.rn / 4;
  const parts = job.split?.parts ?? '1u';
  const length = job.split?.length ?? 'GK';
  const workgroupMemory = t.shared ? `var<workgroup> tileA: array<f32, ${t.tk * t.tm}>; // (TK, TM)
var<workgroup> tileB: array<vec4f, ${(t.tk * t.tn) / 4}>; // (TK, TN / 4)
` : '';
  return `${job.header.trim().split('\n').map((l) => `// ${l}`.trimEnd()).join('\n')}
// Generated GEMM (src/gpu/gemm/gemm-wgsl.ts): tile ${t.tm}x${t.tn}, K step ${t.tk}, ${t.rm}x${t.rn} per invocation, ${t.shared ? 'A and B staged in workgroup memory' : 'direct loads'}.

${job.operands.trim()}

const TM = ${t.tm}u;
const TN = ${t.tn}u;
const TK = ${t.tk}u;
const RM = ${t.rm}u;
const RN = ${t.rn}u;
const WG = ${gemmInvocations(t)}u;
${workgroupMemory}
@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let tilesN = (GN + TN - 1u) / TN;
  let tiles = ((GM + TM - 1u) / TM) * tilesN;
  let flat = wid.y * nwg.x + wid.x;
  let part = flat / tiles;
  let valid = part < ${parts};
  let m0 = ((flat % tiles) / tilesN) * TM;
  let n0 = (flat % tilesN) * TN;
  let kBegin = min(part * (${length}), GK);
  let kEnd = select(kBegin, min(kBegin + (${length}), GK), valid);
  let tx = lid % (TN / RN);
  let ty = lid / (TN / RN);
${lines(t.rm, (r) => lines(vecs, (j) => `  var acc${r}_${j} = vec4f(0.0);`))}
${t.shared ? stagedLoop(t) : directLoop(t, job.split !== undefined)}
  if (!valid) { return; }
${lines(t.rm, (r) => `  let c${r} = array<vec4f, ${vecs}>(${lines(vecs, (j) => `acc${r}_${j}`).split('\n').join(', ')});`)}
  for (var r = 0u; r < RM; r++) {
    let m = m0 + ty * RM + r;
    if (m >= GM) { break; }
    for (var j = 0u; j < RN; j++) {
      let n = n0 + tx * RN + j;
      if (n < GN) { store(m, n, part, ${t.rm === 1 ? 'c0' : `array<array<vec4f, ${vecs}>, ${t.rm}>(${lines(t.rm, (r) => `c${r}`).split('\n').join(', ')})[r]`}[j / 4u][j % 4u]); }
    }
  }
}
`;
}
