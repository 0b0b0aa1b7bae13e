// sgd: one SGD step with (non-Nesterov) momentum, Keras semantics, over the flat parameter buffer.
// One invocation updates 4 consecutive elements (one vec4) of params and velocity:
//   velocity = momentum * velocity - lr * g
//   w       += velocity
// (momentum 0 gives plain SGD, w -= lr * g.)
// Bindings:
//   hyper:    SgdHyper {lr, momentum}   uniform
//   params:   (LENGTH4) vec4f  read_write   (LENGTH4 = padded length / 4)
//   grads:    (LENGTH4) vec4f  read
//   velocity: (LENGTH4) vec4f  read_write

override WORKGROUP_SIZE: u32;
override LENGTH4: u32;

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts):
// the invocation index is linearised over it, and the surplus invocations of the last row
// fail the bounds check below.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= LENGTH4) { return; }
  let h = layout.$.hyper;
  let vel = h.momentum * layout.$.velocity[i] - h.lr * layout.$.grads[i];
  layout.$.velocity[i] = vel;
  layout.$.params[i] = layout.$.params[i] + vel;
}
