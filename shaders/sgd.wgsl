// sgd: one SGD step with (non-Nesterov) momentum, Keras semantics, over the flat parameter buffer.
// One invocation updates 4 consecutive elements (one vec4) of params and velocity:
//   velocity = momentum * velocity - lr * g
//   w       += velocity
// (momentum 0 gives plain SGD, w -= lr * g.) A vec4 whose bit is set in `frozen` (a
// non-trainable tensor) is left as it is: w and velocity unchanged.
// Bindings:
//   hyper:    SgdHyper {lr, momentum}   uniform
//   params:   (LENGTH4) vec4f  read_write   (LENGTH4 = padded length / 4)
//   grads:    (LENGTH4) vec4f  read
//   velocity: (LENGTH4) vec4f  read_write
//   frozen:   (ceil(LENGTH4 / 32)) u32  read: bit i % 32 of word i / 32 set = vec4 i is frozen

override INVOCATIONS: u32 = LENGTH4;

fn compute(i: u32) {
  if (((layout.$.frozen[i / 32u] >> (i % 32u)) & 1u) != 0u) { return; }
  let h = layout.$.hyper;
  let vel = h.momentum * layout.$.velocity[i] - h.lr * layout.$.grads[i];
  layout.$.velocity[i] = vel;
  layout.$.params[i] = layout.$.params[i] + vel;
}
