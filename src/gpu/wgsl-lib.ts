// WGSL helpers shared by several kernels, each defined once here. A shader template calls a
// helper by name; the generated prelude (shader-prelude.ts) names the helpers it calls, and
// tgpu.resolve emits their definitions (and those of the helpers they use) once into that shader.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { ACTIVATION_TABLE, TANH_SATURATION, type ActivationDefinition } from '../model/activations.ts';

// Linear invocation index over a 1-D or 2-D workgroup grid (grid2d / gridFor in kernel.ts):
// (workgroup_id.y * num_workgroups.x + workgroup_id.x) * size + local_invocation_index.
// The caller bounds-checks it (the last grid row may hold surplus invocations).
export const linearIndex = tgpu.fn([d.vec3u, d.vec3u, d.u32, d.u32], d.u32)`(wid: vec3u, nwg: vec3u, lid: u32, size: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * size + lid;
}`.$name('linearIndex');

// The dropout mask's counter-based hash. src/layers/dropout-rng.ts is its exact TypeScript twin
// (fmix32, dropoutKey, dropoutHash, dropoutThreshold), used by tests and the CPU reference:
//   fmix(h)  = murmur3 32-bit finalizer: h ^= h >> 16; h *= 0x85ebca6b; h ^= h >> 13;
//              h *= 0xc2b2ae35; h ^= h >> 16   (u32 wrap-around arithmetic)
//   key      = fmix(fmix(fmix(seed ^ 0x9e3779b9) ^ step) ^ layerId)
//   hash(e)  = fmix(fmix(key ^ e) + key)        e = b*count + i, the flat index in (B, count)
//   keep(e)  = hash(e) >= THRESHOLD, THRESHOLD = min(ceil(rate * 2^32), 2^32 - 1),
//              i.e. u = hash / 2^32 and keep iff u >= rate.
// seed and step come from the StepState buffer (step is 1-based during a step), so a backward
// pass regenerates its forward pass's mask without storing it.

// fmix: murmur3's 32-bit finalizer.
export const dropoutFmix = tgpu.fn([d.u32], d.u32)`(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}`.$name('dropoutFmix');

// key(seed, step, layerId): one per dropout call and step.
export const dropoutKey = tgpu.fn([d.u32, d.u32, d.u32], d.u32)`(seed: u32, step: u32, layerId: u32) -> u32 {
  return dropoutFmix(dropoutFmix(dropoutFmix(seed ^ 0x9e3779b9u) ^ step) ^ layerId);
}`
  .$uses({ dropoutFmix })
  .$name('dropoutKey');

// keep(e) for one element: hash(e) >= threshold.
export const dropoutKeep = tgpu.fn([d.u32, d.u32, d.u32], d.bool)`(key: u32, e: u32, threshold: u32) -> bool {
  return dropoutFmix(dropoutFmix(key ^ e) + key) >= threshold;
}`
  .$uses({ dropoutFmix })
  .$name('dropoutKeep');

// keep(e) for 4 elements at once (one lane each).
export const dropoutKeep4 = tgpu.fn([d.u32, d.vec4u, d.u32], d.vec4b)`(key: u32, e: vec4u, threshold: u32) -> vec4<bool> {
  return vec4<bool>(
    dropoutKeep(key, e.x, threshold),
    dropoutKeep(key, e.y, threshold),
    dropoutKeep(key, e.z, threshold),
    dropoutKeep(key, e.w, threshold),
  );
}`
  .$uses({ dropoutKeep })
  .$name('dropoutKeep4');

// Activations, selected by an integer code (the index in ACTIVATION_TABLE of
// src/model/activations.ts, passed to a kernel as an `override ACT: u32`), generated from that
// table: activate(x, act) is the activation; activationGrad(y, act) its derivative expressed
// through the activation's OUTPUT y (what a forward pass stores), for the activations whose
// derivative the table writes from y; activationGradFromInput(x, act) the derivative from the
// pre-activation x, for every activation (no kernel uses it yet). Code 0 (linear) is the
// default branch. test/reference/activation.ts is the float64 twin.
const ACTIVATION_DEFAULT = ACTIVATION_TABLE[0];
const ACTIVATION_CASES = ACTIVATION_TABLE.map((a, code) => ({ ...(a as ActivationDefinition), code })).slice(1);

/** A WGSL `switch act` returning `body(a)` per activation (those that `has` one), `fallback` otherwise. */
function activationSwitch(entries: readonly (ActivationDefinition & { code: number })[], body: (a: ActivationDefinition) => string, fallback: string): string {
  const cases = entries.map((a) => `    case ${a.code}u: { return ${body(a)}; }\n`).join('');
  return `  switch act {\n${cases}    default: { return ${fallback}; }\n  }`;
}

const fromOutput = ACTIVATION_CASES.filter((a) => a.derivative.from === 'output');
const fromInput = ACTIVATION_CASES.filter((a) => a.derivative.from === 'input');

export const activate = tgpu.fn([d.f32, d.u32], d.f32)(`(x: f32, act: u32) -> f32 {
${activationSwitch(ACTIVATION_CASES, (a) => a.forward, ACTIVATION_DEFAULT.forward)}
}`)
  .$uses({ TANH_SATURATION })
  .$name('activate');

export const activationGrad = tgpu.fn([d.f32, d.u32], d.f32)(`(y: f32, act: u32) -> f32 {
${activationSwitch(fromOutput, (a) => a.derivative.wgsl, ACTIVATION_DEFAULT.derivative.wgsl)}
}`).$name('activationGrad');

// The derivative from the input: the table's input-form derivatives, else the output form at y = activate(x).
export const activationGradFromInput = tgpu.fn([d.f32, d.u32], d.f32)(`(x: f32, act: u32) -> f32 {
${activationSwitch(fromInput, (a) => a.derivative.wgsl, 'activationGrad(activate(x, act), act)')}
}`)
  .$uses({ activate, activationGrad })
  .$name('activationGradFromInput');

// dL/d(pre-activation) from dy = dL/d(output) and the output y: dy * activationGrad(y, act),
// except where the table gives its own backward (relu selects dy or 0: no multiply, the same
// value and zero sign as masking).
const ownBackwards = ACTIVATION_CASES.filter((a) => a.backward !== undefined)
  .map((a) => `  if (act == ${a.code}u) { return ${a.backward}; }\n`)
  .join('');
export const activationBackward = tgpu.fn([d.f32, d.f32, d.u32], d.f32)(`(dy: f32, y: f32, act: u32) -> f32 {
${ownBackwards}  return dy * activationGrad(y, act);
}`)
  .$uses({ activationGrad })
  .$name('activationBackward');

// activate on each lane of a vec4.
export const activate4 = tgpu.fn([d.vec4f, d.u32], d.vec4f)`(x: vec4f, act: u32) -> vec4f {
  return vec4f(activate(x.x, act), activate(x.y, act), activate(x.z, act), activate(x.w, act));
}`
  .$uses({ activate })
  .$name('activate4');

// activationBackward on each lane of a vec4.
export const activationBackward4 = tgpu.fn([d.vec4f, d.vec4f, d.u32], d.vec4f)`(dy: vec4f, y: vec4f, act: u32) -> vec4f {
  return vec4f(
    activationBackward(dy.x, y.x, act),
    activationBackward(dy.y, y.y, act),
    activationBackward(dy.z, y.z, act),
    activationBackward(dy.w, y.w, act),
  );
}`
  .$uses({ activationBackward })
  .$name('activationBackward4');
