// A model plan is a chain of segments: each segment is one layer, or a run of layers that a
// fusion joins (declared here by the layers it joins), built into dispatches by one builder.
// The plan (src/train/model-plan.ts) allocates each segment's output and output gradient and
// hands them to the next segment as its input and input gradient; a segment that computes
// nothing (Flatten, Dropout outside training, a linear Activation, the final softmax that the
// loss computes from the logits) passes its input through as its output.
//
// Fusions, tried in order before the single-layer builders:
//   conv-pool[-dropout]  Conv2D 3x3 'valid' stride 1 ReLU + MaxPooling2D 2x2/2 'valid' (+ Dropout):
//                        the pool-dropout kernels (the pooled tensor before dropout is never
//                        stored; the backward writes dL/d(conv pre-activation), so the conv
//                        skips its mask pass and the rows/columns the floor pool drops); in
//                        evaluation with one input channel, conv + ReLU + pool in one kernel.
//   dense-relu-dropout   Dense ReLU (units a multiple of 4) + Dropout: the dropout backward applies
//                        the ReLU derivative.
import type { LayerInfo } from '../model/model-info.ts';
import type { Fusion, Segment, SegmentPlanContext } from './segment-types.ts';
import { GPU_LAYERS } from './gpu-layers.ts';
import { FUSIONS } from './fusions.ts';

export * from './segment-types.ts';

/** Splits the model into segments: `fusions` first (none: every layer on its own), then one segment per layer. */
export function planSegments(layers: readonly LayerInfo[], pc: SegmentPlanContext, fusions: readonly Fusion[] = FUSIONS): Segment[] {
  const segments: Segment[] = [];
  for (let i = 0; i < layers.length; ) {
    const seg = fusions.map((f) => f.match(layers, i, pc)).find((s) => s !== undefined) ?? singleSegment(layers[i], pc);
    segments.push(seg);
    i += seg.layers.length;
  }
  return segments;
}

function singleSegment(layer: LayerInfo, pc: SegmentPlanContext): Segment {
  const builders = GPU_LAYERS[layer.spec.type].builders;
  for (const b of builders) {
    const s = b(layer, pc);
    if (s) return s;
  }
  throw new Error(`layer ${layer.index} "${layer.spec.name}" (${layer.spec.type}): no GPU kernel supports this configuration yet`);
}

