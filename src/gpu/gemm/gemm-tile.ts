// The parameters of one generated GEMM kernel (gemm-wgsl.ts): the workgroup's tile of C
// (TM x TN), the K step (TK), the register block each invocation keeps (RM x RN, RN a multiple
// of 4: one vec4 accumulator per 4 columns) and whether the A and B tiles are staged through
// workgroup memory. They are compiled into the WGSL; the problem's shape never is (M, N and K are
// overrides or run-time values, the batch size the @group(1) uniform).

export interface GemmTile {
  /** Rows of C per workgroup. */
  tm: number;
  /** Columns of C per workgroup. */
  tn: number;
  /** K per step (the depth of the staged tiles). */
  tk: number;
  /** Rows of C per invocation. */
  rm: number;
  /** Columns of C per invocation (a multiple of 4). */
  rn: number;
  /** A and B tiles go through workgroup memory (false: every invocation loads its own operands). */
  shared: boolean;
}

/** The tightest limit WebGPU guarantees on invocations per workgroup. */
const MAX_INVOCATIONS = 256;
/** WebGPU's guaranteed workgroup storage (bytes). */
const MAX_WORKGROUP_BYTES = 16384;

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

/** Invocations per workgroup: one per register block of the tile. */
export function gemmInvocations(t: GemmTile): number {
  return (t.tm / t.rm) * (t.tn / t.rn);
}

/** Throws unless the tile is one the generator emits (powers of two, RN a multiple of 4, limits of WebGPU). */
export function checkGemmTile(t: GemmTile): void {
  const bad = (why: string) => new Error(`gemm tile ${gemmTileName(t)}: ${why}`);
  for (const [k, v] of Object.entries({ tm: t.tm, tn: t.tn, tk: t.tk, rm: t.rm, rn: t.rn })) {
    if (!isPowerOfTwo(v)) throw bad(`${k} must be a power of two (got ${v})`);
  }
  if (t.rn < 4) throw bad(`rn must be a multiple of 4 (got ${t.rn})`);
  if (t.rm > t.tm || t.rn > t.tn) throw bad('the register block must fit in the tile');
  const invocations = gemmInvocations(t);
  if (invocations > MAX_INVOCATIONS) throw bad(`${invocations} invocations per workgroup (limit ${MAX_INVOCATIONS})`);
  if (t.shared && 4 * t.tk * (t.tm + t.tn) > MAX_WORKGROUP_BYTES) throw bad('the staged tiles exceed 16 KiB of workgroup memory');
}

/** Short stable name used in entry ids: `s64x16k8r4x4` (s: staged in workgroup memory, d: direct loads). */
export function gemmTileName(t: GemmTile): string {
  return `${t.shared ? 's' : 'd'}${t.tm}x${t.tn}k${t.tk}r${t.rm}x${t.rn}`;
}

/** Workgroups covering an M x N output (times `parts` K-splits), for `entry.items`: invocations = workgroups x invocations per workgroup. */
export function gemmItems(t: GemmTile, m: number, n: number, parts = 1): number {
  return Math.ceil(m / t.tm) * Math.ceil(n / t.tn) * parts * gemmInvocations(t);
}
