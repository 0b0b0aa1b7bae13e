// The general Conv2D's kernels (src/layers/conv2d-general.ts builds them), one entry per pass.
// Each supports every configuration the layer accepts; the seed's fast 3x3 kernels
// (conv2d-kernels.ts) are chosen before them where their conditions hold (single-layers.ts).
// FLOPs count a multiply-add as 2; bytes are the compulsory traffic of one pass.
import { perSample, supportsWhenNoThrow, type KernelCost, type KernelEntry, type KernelPass } from '../gpu/kernel-registry.ts';
import { activationCode } from '../model/activations.ts';
import {
  conv2dGeneralShape, geometryConstants, vec4Constants, blocks,
  type Conv2dGeneralConfig, type Conv2dGeneralShape,
} from './conv2d-general.ts';

/** Invocations per workgroup of every general conv2d kernel (here, not in the builder's file, which imports this one). */
export const CONV2D_GENERAL_WORKGROUP_SIZE = 64;

/** true, or why the general layer rejects `c` (its own checks, by message). */
const supportsConfig = supportsWhenNoThrow(conv2dGeneralShape);

/** Multiply-adds of one convolution (forward, dK or dx alike): positions x window x Cin x Cout. */
const macs = (c: Conv2dGeneralConfig, s: Conv2dGeneralShape) => s.positions * c.kernelHeight * c.kernelWidth * c.inChannels * c.outChannels;
const shapeOf = (c: Conv2dGeneralConfig, s: Conv2dGeneralShape) =>
  `(${c.batch},${c.inHeight},${c.inWidth},${c.inChannels})->(${c.batch},${s.outHeight},${s.outWidth},${c.outChannels})`;

function entry(
  pass: KernelPass,
  variant: string,
  shader: string,
  parts: {
    supports?: (c: Conv2dGeneralConfig) => true | string;
    constants: (c: Conv2dGeneralConfig, s: Conv2dGeneralShape) => Record<string, number>;
    items: (c: Conv2dGeneralConfig, s: Conv2dGeneralShape) => number;
    cost: (c: Conv2dGeneralConfig, s: Conv2dGeneralShape) => Omit<KernelCost, 'shape'>;
  },
): KernelEntry<Conv2dGeneralConfig> {
  return {
    id: `conv2d-general.${pass}.${variant}`,
    layerType: 'Conv2D',
    pass,
    shaders: [shader],
    workgroupSize: CONV2D_GENERAL_WORKGROUP_SIZE,
    supports: (c) => {
      const ok = supportsConfig(c);
      return ok === true && parts.supports ? parts.supports(c) : ok;
    },
    constants: (c) => parts.constants(c, conv2dGeneralShape(c)),
    items: (c) => parts.items(c, conv2dGeneralShape(c)),
    cost: (c) => {
      const s = conv2dGeneralShape(c);
      return { shape: shapeOf(c, s), ...parts.cost(c, s) };
    },
  };
}

const biasFloats = (c: Conv2dGeneralConfig) => (c.useBias ? c.outChannels : 0);

/** The general Conv2D's kernels by pass. */
export const CONV2D_GENERAL_KERNELS = {
  // y = act(conv(x, K) + b): 4 output columns x 4 output channels per invocation.
  forward: entry('forward', 'blocked', 'conv2d_general_forward', {
    constants: (c, s) => ({
      ...geometryConstants(c, s), ...vec4Constants(c), K_OFFSET: c.kernelOffset, B_OFFSET: c.useBias ? c.biasOffset : 0,
      USE_BIAS: c.useBias ? 1 : 0, ACT: activationCode(c.activation),
    }),
    items: (c, s) => c.batch * s.outHeight * blocks(s.outWidth) * blocks(c.outChannels),
    cost: (c, s) => ({
      flops: 2 * macs(c, s) + 2 * s.outputLength,
      bytes: 4 * (s.inputLength + s.kernelSize + biasFloats(c) + s.outputLength),
    }),
  }),
  // g = dy * act'(y), one element per invocation; a linear activation has none (g = dy).
  mask: entry('backward-mask', 'elementwise', 'conv2d_general_backward_activation', {
    supports: (c) => (c.activation !== 'linear' ? true : 'a linear activation needs no mask (g = dy)'),
    constants: (c) => ({ WORKGROUP_SIZE: CONV2D_GENERAL_WORKGROUP_SIZE, SAMPLE_COUNT: perSample((x: Conv2dGeneralConfig) => conv2dGeneralShape(x).outputLength)(c), ACT: activationCode(c.activation) }),
    items: (_c, s) => s.outputLength,
    cost: (_c, s) => ({ flops: 2 * s.outputLength, bytes: 4 * 3 * s.outputLength }),
  }),
  // Split-K partial sums of dK (and db) over chunks of the output positions (each batch size's
  // chunking read from the layer's split table: src/layers/conv2d-general.ts).
  filter: entry('backward-filter', 'split-k', 'conv2d_general_backward_filter', {
    constants: (c, s) => ({ ...geometryConstants(c, s), ...vec4Constants(c), USE_BIAS: c.useBias ? 1 : 0 }),
    items: (c, s) => s.chunks * blocks(c.kernelHeight * c.kernelWidth * c.inChannels) * blocks(c.outChannels),
    cost: (c, s) => ({
      flops: 2 * macs(c, s) + (c.useBias ? s.outputLength : 0),
      bytes: 4 * (s.inputLength + s.outputLength + s.chunks * s.partialRow),
    }),
  }),
  // The chunks' partial sums added and WRITTEN into the gradient buffer, one element each.
  reduce: entry('backward-reduce', 'chunks', 'conv2d_general_backward_reduce', {
    constants: (c, s) => ({
      WORKGROUP_SIZE: CONV2D_GENERAL_WORKGROUP_SIZE, ROW: s.partialRow, K_SIZE: s.kernelSize,
      K_OFFSET: c.kernelOffset, B_OFFSET: c.useBias ? c.biasOffset : 0,
    }),
    items: (_c, s) => s.partialRow,
    cost: (_c, s) => ({ flops: s.chunks * s.partialRow, bytes: 4 * (s.chunks + 1) * s.partialRow }),
  }),
  // dx: 4 input columns x 4 input channels per invocation, every element written.
  input: entry('backward-input', 'blocked', 'conv2d_general_backward_input', {
    constants: (c, s) => ({ ...geometryConstants(c, s), OUT_VEC4: vec4Constants(c).OUT_VEC4, K_OFFSET: c.kernelOffset }),
    items: (c) => c.batch * c.inHeight * blocks(c.inWidth) * blocks(c.inChannels),
    cost: (c, s) => ({ flops: 2 * macs(c, s), bytes: 4 * (s.outputLength + s.kernelSize + s.inputLength) }),
  }),
} as const;
