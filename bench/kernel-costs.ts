// FLOP and byte counts of every kernel of the model at batch B, written next to each other so
// they can be checked. FLOPs count multiply-adds as 2 and elementwise ops as 1; bytes are the
// compulsory traffic (each input read once, each output written once, 4 bytes a float).
import { C0, C1, C2, CLASSES, FLAT, H1, H2, HIDDEN, IMAGE, P1, P2 } from '../src/model/architecture.ts';
import { PARAM_BUFFER_LENGTH } from '../src/model/params.ts';
import { conv2dBytes, conv2dFlops, conv2dShape, type Conv2dConfig } from '../src/layers/conv2d.ts';

export interface KernelCost {
  shape: string;
  flops: number;
  bytes: number;
}

const conv = (name: string, B: number): Conv2dConfig =>
  name === 'conv2d'
    ? { name, batch: B, height: IMAGE, width: IMAGE, inChannels: C0, outChannels: C1, kernelOffset: 0, biasOffset: 0 }
    : { name, batch: B, height: P1, width: P1, inChannels: C1, outChannels: C2, kernelOffset: 0, biasOffset: 0 };

const POOLS: Record<string, [number, number]> = { max_pooling2d: [H1, C1], max_pooling2d_1: [H2, C2] };
const DROPOUTS: Record<string, number> = { dropout: P1 * P1 * C1, dropout_1: FLAT, dropout_2: HIDDEN };
const DENSES: Record<string, [number, number]> = { dense: [FLAT, HIDDEN], dense_1: [HIDDEN, CLASSES] };

/** Cost of one dispatch of `shader` in `layer` at batch B (undefined for bookkeeping kernels). */
export function kernelCost(layer: string, shader: string, B: number): KernelCost | undefined {
  if (layer === 'conv2d' || layer === 'conv2d_1') {
    const c = conv(layer, B);
    const s = conv2dShape(c);
    const f = conv2dFlops(c);
    const b = conv2dBytes(c);
    const shape = `(${B},${c.height},${c.width},${c.inChannels})->(${B},${s.outHeight},${s.outWidth},${c.outChannels})`;
    const ys = s.positions * c.outChannels;
    const ks = s.partialRow;
    switch (shader) {
      case 'conv2d_forward':
      case 'conv2d_forward_tile4x4':
      case 'conv2d_forward_tile5x5':
      case 'conv2d_forward_cin1_row':
        return { shape, flops: f.forward + 2 * ys, bytes: b.forward };
      case 'conv2d_forward_cin1_pool': {
        // Conv + bias + ReLU, then 3 compares per pooled value; writes only the pooled output.
        const pooled = B * Math.floor(s.outHeight / 2) * Math.floor(s.outWidth / 2) * c.outChannels;
        const pooledShape = `(${B},${c.height},${c.width},${c.inChannels})->(${B},${Math.floor(s.outHeight / 2)},${Math.floor(s.outWidth / 2)},${c.outChannels})`;
        return { shape: `${pooledShape} pooled`, flops: f.forward + 2 * ys + 3 * pooled, bytes: b.forward - 4 * (ys - pooled) };
      }
      case 'conv2d_backward_mask':
        return { shape, flops: ys, bytes: b.backwardMask };
      case 'conv2d_backward_filter':
      case 'conv2d_backward_filter_rows':
      case 'conv2d_backward_filter_slide':
        return { shape: `${shape} ${s.chunks} chunks`, flops: f.backwardFilter + 2 * ys, bytes: b.backwardFilter };
      case 'conv2d_backward_filter_reduce':
        return { shape: `${s.chunks}x${ks}`, flops: s.chunks * ks, bytes: b.backwardReduce };
      case 'conv2d_backward_kernel_transpose':
        return { shape: `${ks}`, flops: 0, bytes: 8 * ks };
      case 'conv2d_backward_input':
      case 'conv2d_backward_input_direct':
      case 'conv2d_backward_input_tile4x4':
      case 'conv2d_backward_input_rows':
      case 'conv2d_backward_input_tile6x6':
        return { shape, flops: f.backwardInput, bytes: b.backwardInput };
    }
  }
  if (layer in POOLS) {
    const [H, C] = POOLS[layer];
    const P = Math.floor(H / 2);
    const n = B * H * H * C;
    const out = B * P * P * C;
    const shape = `(${B},${H},${H},${C})->(${B},${P},${P},${C})`;
    if (shader === 'maxpool_forward') return { shape, flops: 3 * out, bytes: 4 * (n + 2 * out) };
    if (shader === 'maxpool_backward') return { shape, flops: n, bytes: 4 * (2 * out + n) };
    // Fused with the dropout after it: 1 routing byte per pooled element; hash ~21 ops/element.
    if (shader === 'pool_dropout_forward') return { shape, flops: 3 * out + 21 * out, bytes: 4 * (n + out) + out };
    if (shader === 'pool_dropout_backward') return { shape, flops: n, bytes: 4 * (out + n) + out };
    if (shader === 'pool_dropout_inference') return { shape, flops: 3 * out, bytes: 4 * (n + out) };
  }
  if (layer in DROPOUTS) {
    const n = B * DROPOUTS[layer];
    const shape = `(${B},${DROPOUTS[layer]})`;
    // The hash is ~20 integer ops per element; counted as FLOPs for a comparable rate.
    if (shader === 'dropout_forward' || shader === 'dropout_backward') return { shape, flops: 21 * n, bytes: 8 * n };
    if (shader === 'dropout_relu_backward') return { shape, flops: 22 * n, bytes: 12 * n };
  }
  if (layer in DENSES) {
    const [I, O] = DENSES[layer];
    const shape = `(${B},${I})x(${I},${O})`;
    // Both variants ('tile4x4': dense_*, 'tile16x16': dense_*_tile16x16) do the same work.
    const kernel = shader.replace(/_tile16x16$/, '');
    if (kernel === 'dense_forward') return { shape, flops: 2 * B * I * O + 2 * B * O, bytes: 4 * (B * I + I * O + O + B * O) };
    if (kernel === 'dense_backward_input') return { shape, flops: 2 * B * I * O, bytes: 4 * (2 * B * O + I * O + B * I) };
    if (kernel === 'dense_backward_weights') return { shape, flops: 2 * B * I * O + B * O, bytes: 4 * (B * I + 2 * B * O + I * O + O) };
  }
  if (layer === 'gather' && shader === 'batch_gather') {
    const n = B * IMAGE * IMAGE;
    return { shape: `(${B},28,28)`, flops: n, bytes: n + 4 * n + 8 * B };
  }
  if (layer === 'loss') {
    const n = B * CLASSES;
    if (shader === 'softmax_xent_forward') return { shape: `(${B},10)`, flops: 4 * n, bytes: 4 * (n + 4 * B) };
    if (shader === 'softmax_xent_backward') return { shape: `(${B},10)`, flops: 4 * n, bytes: 4 * (2 * n + B) };
    if (shader === 'batch_metrics') return { shape: `(${B})`, flops: 2 * B, bytes: 8 * B };
  }
  if (layer === 'optimizer') {
    const n = PARAM_BUFFER_LENGTH;
    if (shader === 'adam') return { shape: `(${n})`, flops: 12 * n, bytes: 4 * 7 * n };
    if (shader === 'sgd') return { shape: `(${n})`, flops: 4 * n, bytes: 4 * 5 * n };
  }
  return undefined;
}

/** `conv2d_forward[conv2d_1]` -> `conv2d_forward`. */
export function shaderOf(label: string): string {
  return label.replace(/\[.*$/, '');
}
