// The elementwise activations a layer may carry (Keras's `activation` option) and the integer
// codes the kernels receive as `override ACT: u32` (src/gpu/wgsl-lib.ts: activate,
// activationGrad). Softmax is not elementwise: it is allowed only where a layer list says so
// (the final layer, whose softmax the loss computes from the logits).

/** Elementwise activations, in code order. */
export const ELEMENTWISE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;
export type ElementwiseActivation = (typeof ELEMENTWISE_ACTIVATIONS)[number];
export type Activation = ElementwiseActivation | 'softmax';

/** The kernels' code for an elementwise activation. */
export function activationCode(a: ElementwiseActivation): number {
  const code = ELEMENTWISE_ACTIVATIONS.indexOf(a);
  if (code < 0) throw new Error(`no kernel code for activation "${String(a)}"`);
  return code;
}
