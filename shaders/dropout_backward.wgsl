// dropout_backward: gradient of inverted dropout, with the forward's mask regenerated from
// the same (seed, step, layerId, element) counter. One invocation computes ONE element:
// dx[e] = keep(e) ? dy[e] * SCALE : 0, SCALE = 1 / (1 - rate).
// The hash below is identical to dropout_forward.wgsl's.
// Mask hash (counter-based; src/layers/dropout-rng.ts is its exact TypeScript twin):
//   fmix(h)  = murmur3 32-bit finalizer: h ^= h >> 16; h *= 0x85ebca6b; h ^= h >> 13;
//              h *= 0xc2b2ae35; h ^= h >> 16   (u32 wrap-around arithmetic)
//   key      = fmix(fmix(fmix(seed ^ 0x9e3779b9) ^ step) ^ layerId)
//   hash(e)  = fmix(fmix(key ^ e) + key)        e = b*count + i, the flat index in (B, count)
//   keep(e)  = hash(e) >= THRESHOLD, THRESHOLD = min(ceil(rate * 2^32), 2^32 - 1),
//              i.e. u = hash / 2^32 and keep iff u >= rate.
// seed and step come from the StepState buffer (step is 1-based during a step), so the
// backward pass regenerates the forward pass's mask without storing it.
//
// Bindings:
//   state:      StepState {step, batch, seed, pad}, read (same step as the forward)
//   outputGrad: (B, count) f32, read
//   inputGrad:  (B, count) f32, written
// Overrides: COUNT = B*count, LAYER_ID, THRESHOLD (u32), SCALE (f32), WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override COUNT: u32;
override LAYER_ID: u32;
override THRESHOLD: u32;
override SCALE: f32;

fn fmix(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

fn keepElement(e: u32) -> bool {
  let key = fmix(fmix(fmix(layout.$.state.seed ^ 0x9e3779b9u) ^ layout.$.state.step) ^ LAYER_ID);
  return fmix(fmix(key ^ e) + key) >= THRESHOLD;
}

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts):
// the invocation index is linearised over it, and the surplus invocations of the last row
// fail the bounds check below.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let e = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (e >= COUNT) { return; }
  var g = 0.0;
  if (keepElement(e)) { g = layout.$.outputGrad[e] * SCALE; }
  layout.$.inputGrad[e] = g;
}
