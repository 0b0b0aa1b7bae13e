// The generated prelude of every kernel's WGSL: what each shader in shaders/ would otherwise
// repeat. It declares one `override` per constant the kernel passes (u32 unless the shader
// declares that override itself, which it does for bool and f32 constants and for overrides
// derived from others), adds the standard entry point where the shader defines
// `fn compute(index: u32)`, and names the shared wgsl-lib helpers the shader calls, so that
// tgpu.resolve emits their definitions. The shader file is left with its arithmetic.
import { nhwcPosition } from './wgsl-index.ts';
import { activate, activate4, activationBackward, activationBackward4, activationGrad, dropoutKeep, dropoutKeep4, dropoutKey, linearIndex } from './wgsl-lib.ts';

/** The shared WGSL helpers (wgsl-lib.ts, wgsl-index.ts) a shader may call by name. */
const LIBRARY: Record<string, unknown> = {
  linearIndex,
  nhwcPosition,
  dropoutKey,
  dropoutKeep,
  dropoutKeep4,
  activate,
  activate4,
  activationGrad,
  activationBackward,
  activationBackward4,
};

// One invocation per item over the 1-D or 2-D grid of gridFor (src/gpu/kernel.ts): the linear
// invocation index, the bounds check against INVOCATIONS (the last grid row may hold surplus
// invocations), then the shader's own function. INVOCATIONS is the constant COUNT unless the
// shader declares it (`override INVOCATIONS: u32 = ROWS;`).
const STANDARD_ENTRY = `
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let index = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (index >= INVOCATIONS) { return; }
  compute(index);
}
`;

/** Names the shader declares with `override` itself. */
export function declaredOverrides(shader: string): Set<string> {
  return new Set([...shader.matchAll(/^override\s+(\w+)/gm)].map((m) => m[1]));
}

/** Whether the shader takes the standard entry point (it defines `fn compute` and no entry point of its own). */
export function usesStandardEntry(shader: string): boolean {
  return /^fn compute\(/m.test(shader) && !/@compute\b/.test(shader);
}

/**
 * The shader with its prelude: generated overrides first, the shader, then the standard entry
 * point if it takes one. `what` names the kernel in the error thrown when the entry point has
 * no invocation count.
 */
export function withPrelude(shader: string, constantNames: readonly string[], what: string): string {
  const declared = declaredOverrides(shader);
  const overrides = constantNames.filter((name) => !declared.has(name)).map((name) => `override ${name}: u32;\n`);
  if (!usesStandardEntry(shader)) return overrides.join('') + shader;
  if (!declared.has('INVOCATIONS')) {
    if (!constantNames.includes('COUNT')) throw new Error(`${what}: fn compute needs a COUNT constant or an \`override INVOCATIONS\` in the shader`);
    overrides.push('override INVOCATIONS: u32 = COUNT;\n');
  }
  return overrides.join('') + shader + STANDARD_ENTRY;
}

/** The wgsl-lib helpers `code` calls (for tgpu.resolve's externals). */
export function libraryExternals(code: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(LIBRARY).filter(([name]) => new RegExp(`\\b${name}\\(`).test(code)));
}
