// The seed network's activation and gradient buffers of a plan under the short names the
// bench's validation and fusion studies use (x0, a1, d1, ..., dA1), read from the plan's
// per-layer maps. Only for the default model (models/mnist-cnn.json).
import type { ModelPlan } from '../src/train/model-plan.ts';

export function seedBuffers(plan: ModelPlan): Record<string, GPUBuffer> {
  const a = (layer: string) => plan.activations.get(layer);
  const g = (layer: string) => plan.gradients.get(layer);
  const named: Record<string, GPUBuffer | undefined> = {
    x0: plan.input,
    labels: plan.labels,
    a1: a('conv2d'), // (B, 26, 26, 32) post-ReLU (evaluation plans: pooled inside conv2d's kernel)
    d1: a('dropout'), // (B, 13, 13, 32)
    a2: a('conv2d_1'), // (B, 11, 11, 64)
    d2: a('dropout_1'), // (B, 5, 5, 64) = (B, 1600)
    h: a('dense'), // (B, 128) post-ReLU
    d3: a('dropout_2'), // (B, 128)
    logits: plan.logits, // (B, 10)
    dLogits: g('dense_1'),
    dD3: g('dropout_2'),
    dH: g('dense'), // dL/d dense pre-activation (the dropout backward applies the ReLU derivative)
    dD2: g('dropout_1'),
    dA2: g('conv2d_1'), // dL/d conv2d_1 pre-activation
    dD1: g('dropout'),
    dA1: g('conv2d'), // dL/d conv2d pre-activation
  };
  return Object.fromEntries(Object.entries(named).filter((e): e is [string, GPUBuffer] => e[1] !== undefined));
}
