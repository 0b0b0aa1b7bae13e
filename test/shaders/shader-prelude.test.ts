// The generated prelude of a kernel's WGSL: u32 overrides for the constants the shader does not
// declare itself, the standard entry point for shaders with `fn compute`, its invocation count,
// the wgsl-lib helpers a shader calls, and the batch size read at run time (BATCH, STRIDE and
// the overrides derived from them become reads of the batch uniform).
import { describe, expect, it } from 'vitest';
import { libraryExternals, readsBatchSize, usesStandardEntry, withPrelude } from '../../src/gpu/shader-prelude.ts';

const compute = 'override SCALE: f32;\nfn compute(i: u32) { layout.$.y[i] = f32(N) * SCALE; }\n';

describe('shader prelude', () => {
  it('declares each constant as a u32 unless the shader declares it', () => {
    const code = withPrelude(compute, ['WORKGROUP_SIZE', 'N', 'SCALE', 'COUNT'], 'k');
    expect(code.match(/^override \w+: \w+;$/gm)).toEqual(['override WORKGROUP_SIZE: u32;', 'override N: u32;', 'override COUNT: u32;', 'override SCALE: f32;']);
  });

  it('adds the standard entry point, bounded by COUNT, where the shader defines fn compute', () => {
    const code = withPrelude(compute, ['WORKGROUP_SIZE', 'N', 'SCALE', 'COUNT'], 'k');
    expect(code).toMatch(/^override INVOCATIONS: u32 = COUNT;$/m);
    expect(code).toMatch(/@compute @workgroup_size\(WORKGROUP_SIZE\)\nfn main\(/);
    expect(code).toMatch(/let index = linearIndex\(wid, nwg, lid, WORKGROUP_SIZE\);\n {2}if \(index >= INVOCATIONS\) \{ return; \}\n {2}compute\(index\);/);
  });

  it("takes the shader's own INVOCATIONS over COUNT", () => {
    const code = withPrelude(`override INVOCATIONS: u32 = ROWS * 2u;\n${compute}`, ['WORKGROUP_SIZE', 'ROWS', 'N', 'SCALE'], 'k');
    expect(code).not.toMatch(/INVOCATIONS: u32 = COUNT/);
    expect(code).toMatch(/index >= INVOCATIONS/);
  });

  it('names the kernel when the entry point has no invocation count', () => {
    expect(() => withPrelude(compute, ['WORKGROUP_SIZE', 'N', 'SCALE'], 'dense_forward')).toThrow(/^dense_forward: fn compute needs a COUNT constant/);
  });

  it("leaves a shader's own entry point alone", () => {
    const own = '@compute @workgroup_size(WORKGROUP_SIZE)\nfn main() {}\nfn compute(i: u32) {}\n';
    expect(usesStandardEntry(own)).toBe(false);
    expect(withPrelude(own, ['WORKGROUP_SIZE'], 'k')).toBe(`override WORKGROUP_SIZE: u32;\n${own}`);
  });

  it('reads BATCH and STRIDE from the batch uniform and inlines the overrides derived from them', () => {
    const shader = [
      '// BATCH samples; ROWS = BATCH * SAMPLE_ROWS',
      'override ROWS: u32 = BATCH * SAMPLE_ROWS;',
      'override INVOCATIONS: u32 = ROWS * C; // one per element',
      'override HALF: u32 = C / 2u;',
      'fn compute(i: u32) { layout.$.y[i] = f32(ROWS + STRIDE + HALF); }',
      '',
    ].join('\n');
    const code = withPrelude(shader, ['WORKGROUP_SIZE', 'SAMPLE_ROWS', 'C'], 'k');
    const count = 'batchLayout.$.batchShape.count';
    expect(code).not.toMatch(/override (ROWS|INVOCATIONS)\b/);
    expect(code).toMatch(/^override HALF: u32 = C \/ 2u;$/m);
    expect(code).toContain(`layout.$.y[i] = f32((${count} * SAMPLE_ROWS) + batchLayout.$.batchShape.stride + HALF);`);
    expect(code).toContain(`if (index >= ((${count} * SAMPLE_ROWS) * C)) { return; }`);
    expect(code).toMatch(/^\/\/ BATCH samples; ROWS = BATCH \* SAMPLE_ROWS$/m); // comments are left alone
    expect(readsBatchSize(code)).toBe(true);
  });

  it('keeps BATCH an override where the kernel passes it as a constant', () => {
    const code = withPrelude('override INVOCATIONS: u32 = BATCH * 2u;\nfn compute(i: u32) {}\n', ['WORKGROUP_SIZE', 'BATCH'], 'k');
    expect(code).toMatch(/^override BATCH: u32;$/m);
    expect(code).toMatch(/^override INVOCATIONS: u32 = BATCH \* 2u;$/m);
    expect(readsBatchSize(code)).toBe(false);
    expect(readsBatchSize(withPrelude(compute, ['WORKGROUP_SIZE', 'N', 'SCALE', 'COUNT'], 'k'))).toBe(false);
  });

  it('finds the wgsl-lib helpers the code calls', () => {
    expect(Object.keys(libraryExternals('let k = dropoutKey(s, t, L); let y = activate4(x, ACT); linearIndex(a, b, c, d);')).sort()).toEqual(['activate4', 'dropoutKey', 'linearIndex']);
  });
});
