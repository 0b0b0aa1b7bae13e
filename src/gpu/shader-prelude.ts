// The generated prelude of every kernel's WGSL: what each shader in shaders/ would otherwise
// repeat. It declares one `override` per constant the kernel passes (u32 unless the shader
// declares that override itself, which it does for bool and f32 constants and for overrides
// derived from others), adds the standard entry point where the shader defines
// `fn compute(index: u32)`, and names the shared wgsl-lib helpers the shader calls, so that
// tgpu.resolve emits their definitions. The shader file is left with its arithmetic.
//
// The batch size is data (batch-size.ts): unless the kernel passes BATCH as a constant, the
// shader's BATCH (samples in this batch) and STRIDE (the pass's batch size) read the @group(1)
// uniform, and an `override` whose value uses them (`override INVOCATIONS: u32 = BATCH * WORDS;`,
// directly or through another such override) is a run-time value: its declaration is dropped
// and its expression written where it is used.
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

/** The run-time names a shader may use and the uniform fields they read (batch-size.ts). */
const RUNTIME_NAMES: Record<string, string> = {
  BATCH: 'batchLayout.$.batchShape.count',
  STRIDE: 'batchLayout.$.batchShape.stride',
};

/** An `override NAME: type = value;` declaration, alone on its line (a trailing comment allowed). */
const DERIVED_OVERRIDE = /^override\s+(\w+)\s*:\s*\w+\s*=\s*([^;]+);[ \t]*(?:\/\/.*)?$/gm;

const mentions = (code: string, names: Iterable<string>) => [...names].some((n) => new RegExp(`\\b${n}\\b`).test(code));

/** Replaces each name of `values` in the code (not the comments) of every line by its expression. */
function substitute(code: string, values: ReadonlyMap<string, string>): string {
  if (values.size === 0) return code;
  const pattern = new RegExp(`\\b(${[...values.keys()].join('|')})\\b`, 'g');
  return code
    .split('\n')
    .map((line) => {
      const cut = line.indexOf('//');
      const [text, comment] = cut < 0 ? [line, ''] : [line.slice(0, cut), line.slice(cut)];
      return text.replace(pattern, (name) => values.get(name)!) + comment;
    })
    .join('\n');
}

/**
 * The code with its run-time names made reads of the batch uniform (see the header): the names
 * of RUNTIME_NAMES the kernel does not pass as constants, and the overrides derived from them.
 */
export function inlineRuntimeNames(code: string, constantNames: readonly string[]): string {
  const values = new Map(Object.entries(RUNTIME_NAMES).filter(([name]) => !constantNames.includes(name)));
  const derived = [...code.matchAll(DERIVED_OVERRIDE)].map((m) => ({ line: m[0], name: m[1], value: m[2].trim() }));
  const runtime = new Set(values.keys());
  const dropped: typeof derived = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const o of derived) {
      if (!runtime.has(o.name) && mentions(o.value, runtime)) {
        runtime.add(o.name);
        dropped.push(o);
        grew = true;
      }
    }
  }
  let out = code;
  for (const { line } of dropped) out = out.replace(out.includes(`${line}\n`) ? `${line}\n` : line, '');
  // Expressions may use other run-time names: expand them until only the uniform's fields remain.
  const expressions = new Map(dropped.map((o) => [o.name, `(${o.value})`]));
  for (let i = 0; i <= dropped.length && mentions(out, expressions.keys()); i++) out = substitute(out, expressions);
  return substitute(out, values);
}

/** Whether prelude-made code reads the batch uniform (its pipeline then takes @group(1)). */
export function readsBatchSize(code: string): boolean {
  return /\bbatchLayout\b/.test(code);
}

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
  if (!usesStandardEntry(shader)) return inlineRuntimeNames(overrides.join('') + shader, constantNames);
  if (!declared.has('INVOCATIONS')) {
    if (!constantNames.includes('COUNT') && !declared.has('COUNT')) {
      throw new Error(`${what}: fn compute needs a COUNT constant or an \`override INVOCATIONS\` in the shader`);
    }
    overrides.push('override INVOCATIONS: u32 = COUNT;\n');
  }
  return inlineRuntimeNames(overrides.join('') + shader + STANDARD_ENTRY, constantNames);
}

/** The wgsl-lib helpers `code` calls (for tgpu.resolve's externals). */
export function libraryExternals(code: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(LIBRARY).filter(([name]) => new RegExp(`\\b${name}\\(`).test(code)));
}
