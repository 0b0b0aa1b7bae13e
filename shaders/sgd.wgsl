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

override INVOCATIONS: u32 = LENGTH4;

fn compute(i: u32) {
  let h = layout.$.hyper;
  let vel = h.momentum * layout.$.velocity[i] - h.lr * layout.$.grads[i];
  layout.$.velocity[i] = vel;
  layout.$.params[i] = layout.$.params[i] + vel;
}
