// dropout_relu_backward: gradient of inverted dropout applied to a ReLU output, through the
// ReLU too: g = dL/d(pre-activation) of the layer before the dropout (dense with its fused
// ReLU), so that layer's backward kernels take g as it is (no ReLU mask in their loops).
// One invocation computes ONE vec4 (4 consecutive elements e = 4*v .. 4*v+3 of (BATCH, count)):
//   g[e] = (keep(e) && y[e] > 0) ? dy[e] * SCALE : 0
// keep(e): the counter-based hash dropoutKey / dropoutKeep4 of src/gpu/wgsl-lib.ts (twin of
// src/layers/dropout-rng.ts), e = the flat index in (BATCH, count), regenerated from StepState as
// the forward generated it. THRESHOLD == 0 (rate 0) keeps everything and skips the hash.
//
// Bindings:
//   state:      StepState {step, batch, seed, pad}, read (same step as the forward)
//   outputGrad: (BATCH, count/4) vec4f, read (dL/d dropout output)
//   y:          (BATCH, count/4) vec4f, read (post-ReLU activation, the dropout's input)
//   inputGrad:  (BATCH, count/4) vec4f, written (dL/d pre-activation)
// Overrides: SAMPLE_COUNT4 = count/4, LAYER_ID, THRESHOLD (u32), SCALE (f32), WORKGROUP_SIZE.

override SCALE: f32;

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts).
override INVOCATIONS: u32 = BATCH * SAMPLE_COUNT4;

fn compute(v: u32) {
  var keep = layout.$.y[v] > vec4f(0.0);
  if (THRESHOLD > 0u) {
    let s = layout.$.state;
    let key = dropoutKey(s.seed, s.step, LAYER_ID);
    let e = vec4u(4u * v) + vec4u(0u, 1u, 2u, 3u);
    keep = keep & dropoutKeep4(key, e, THRESHOLD);
  }
  layout.$.inputGrad[v] = select(vec4f(0.0), layout.$.outputGrad[v] * SCALE, keep);
}
