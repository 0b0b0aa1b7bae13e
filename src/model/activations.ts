// The elementwise activations a layer may carry (Keras's `activation` option), in one table:
// each one's name, its integer code (its index: what the kernels receive as `override ACT:
// u32`), the WGSL of its forward and of its derivative. src/gpu/wgsl-lib.ts generates the
// kernels' activate / activationGrad / activationBackward from this table, so names, codes and
// WGSL cannot drift apart. Softmax is not elementwise: it is allowed only where a layer list says
// so (the final layer, whose softmax the loss computes from the logits).
//
// WGSL expressions read `x` (the pre-activation input), `y` (the output) and, in `backward`,
// `dy` (dL/dy). A derivative is written from the output y where it can be (what the fused
// kernels store and read back: every activation here), or from the input x where it cannot
// (`from: 'input'`; no activation needs it yet, and no fused kernel reads x for its backward:
// such an activation takes wgsl-lib's activationGradFromInput and a kernel that keeps x).

export type ActivationDerivative = { readonly from: 'output'; readonly wgsl: string } | { readonly from: 'input'; readonly wgsl: string };

export interface ActivationDefinition {
  readonly name: string;
  /** WGSL of the activation of `x` (f32). */
  readonly forward: string;
  readonly derivative: ActivationDerivative;
  /** WGSL of dL/dx from `dy` and `y` where it is not computed as dy * derivative (relu selects dy or 0). */
  readonly backward?: string;
}

/** tanh's argument is clamped to this (WGSL's tanh returns NaN for large |x| on some implementations). */
export const TANH_SATURATION = 15;

/** The elementwise activations, in code order (code 0, linear, is the kernels' default branch). */
export const ACTIVATION_TABLE = [
  { name: 'linear', forward: 'x', derivative: { from: 'output', wgsl: '1.0' } },
  // 0 at y = 0, as TensorFlow; the backward selects dy or 0 (the same value and zero sign as masking).
  { name: 'relu', forward: 'max(x, 0.0)', derivative: { from: 'output', wgsl: 'select(0.0, 1.0, y > 0.0)' }, backward: 'select(0.0, dy, y > 0.0)' },
  { name: 'sigmoid', forward: '1.0 / (1.0 + exp(-x))', derivative: { from: 'output', wgsl: 'y * (1.0 - y)' } },
  // In float32 tanh(x) rounds to +-1 for |x| > 9.1, so the clamp changes no value.
  { name: 'tanh', forward: 'tanh(clamp(x, -TANH_SATURATION, TANH_SATURATION))', derivative: { from: 'output', wgsl: '1.0 - y * y' } },
] as const satisfies readonly ActivationDefinition[];

export type ElementwiseActivation = (typeof ACTIVATION_TABLE)[number]['name'];
/** Elementwise activations, in code order. */
export const ELEMENTWISE_ACTIVATIONS: readonly ElementwiseActivation[] = ACTIVATION_TABLE.map((a) => a.name);
export type Activation = ElementwiseActivation | 'softmax';

/** The kernels' code for an elementwise activation. */
export function activationCode(a: ElementwiseActivation): number {
  const code = ELEMENTWISE_ACTIVATIONS.indexOf(a);
  if (code < 0) throw new Error(`no kernel code for activation "${String(a)}"`);
  return code;
}
