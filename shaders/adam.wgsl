// adam: one Adam step (Keras 3) over the whole flat parameter buffer.
// One invocation updates 4 consecutive elements (one vec4) of params, m and v:
//   t    = state.step (1-based; step_begin has already incremented it)
//   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   (1 - beta^t = -expm1(t * ln(beta)), with ln(beta) from the host in float64 and expm1 by its
//   series for small arguments: 1 - 0.999^1 keeps its digits, which pow() on a GPU need not)
//   m   += (g - m) * (1 - beta1)
//   v   += (g*g - v) * (1 - beta2)
//   w   -= lr_t * m / (sqrt(v) + epsilon)
// Padding elements (g = 0, m = v = w = 0) stay zero. A vec4 whose bit is set in `frozen` (a
// non-trainable tensor) is left as it is: w, m and v unchanged.
// Bindings:
//   hyper:  AdamHyper {lr, beta1, beta2, epsilon, logBeta1, logBeta2}   uniform
//   state:  StepState                              read (only .step)
//   params: (LENGTH4) vec4f  read_write   (LENGTH4 = padded length / 4)
//   grads:  (LENGTH4) vec4f  read
//   m:      (LENGTH4) vec4f  read_write
//   v:      (LENGTH4) vec4f  read_write
//   frozen: (ceil(LENGTH4 / 32)) u32  read: bit i % 32 of word i / 32 set = vec4 i is frozen

// 1 - exp(x) for x <= 0, accurate relative to the result also for small |x|.
fn oneMinusExp(x: f32) -> f32 {
  if (x > -0.5) {
    // -expm1(x) by its Taylor series in Horner form (terms to x^8: relative error < 1e-8 here)
    var s = 1.0 + x / 8.0;
    s = 1.0 + x / 7.0 * s;
    s = 1.0 + x / 6.0 * s;
    s = 1.0 + x / 5.0 * s;
    s = 1.0 + x / 4.0 * s;
    s = 1.0 + x / 3.0 * s;
    s = 1.0 + x / 2.0 * s;
    return -x * s;
  }
  return 1.0 - exp(x);
}

override INVOCATIONS: u32 = LENGTH4;

fn compute(i: u32) {
  if (((layout.$.frozen[i / 32u] >> (i % 32u)) & 1u) != 0u) { return; }
  let h = layout.$.hyper;
  let t = f32(layout.$.state.step);
  let lrT = h.lr * sqrt(oneMinusExp(t * h.logBeta2)) / oneMinusExp(t * h.logBeta1);
  let g = layout.$.grads[i];
  // (locals named m1/v1: the bindings are called m and v)
  let m1 = layout.$.m[i] + (g - layout.$.m[i]) * (1.0 - h.beta1);
  let v1 = layout.$.v[i] + (g * g - layout.$.v[i]) * (1.0 - h.beta2);
  layout.$.m[i] = m1;
  layout.$.v[i] = v1;
  layout.$.params[i] = layout.$.params[i] - lrT * m1 / (sqrt(v1) + vec4f(h.epsilon));
}
