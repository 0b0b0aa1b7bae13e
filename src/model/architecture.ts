/**
 * The network's architecture as data (see DESIGN.md): layer list with Keras names,
 * output shapes (NHWC, without the batch dimension) and parameter counts.
 */

/** Input image side (28x28, one channel). */
export const IMAGE = 28;
/** Input channels. */
export const C0 = 1;
/** Filters of the first convolution. */
export const C1 = 32;
/** Filters of the second convolution. */
export const C2 = 64;
/** Kernel side of both convolutions. */
export const KSIZE = 3;
/** Output side of conv2d (28 - 2). */
export const H1 = 26;
/** Output side of max_pooling2d (floor(26 / 2)). */
export const P1 = 13;
/** Output side of conv2d_1 (13 - 2). */
export const H2 = 11;
/** Output side of max_pooling2d_1 (floor(11 / 2); row/col 10 is dropped). */
export const P2 = 5;
/** Rows / columns of conv2d_1's output that max_pooling2d_1 reads (2 * P2). */
export const USED2 = 2 * P2;
/** Flattened features: P2 * P2 * C2, channels-last index (h*5+w)*64+c. */
export const FLAT = 1600;
/** Hidden units of dense. */
export const HIDDEN = 128;
/** Output classes. */
export const CLASSES = 10;
/** Default dropout rates of dropout, dropout_1, dropout_2. */
export const DROPOUT_RATES: readonly [number, number, number] = [0.25, 0.25, 0.5];

export type LayerType = 'Conv2D' | 'MaxPooling2D' | 'Dropout' | 'Flatten' | 'Dense';

export interface LayerSpec {
  /** Keras's automatic layer name. */
  readonly name: string;
  /** Keras class name. */
  readonly type: LayerType;
  /** Output shape without the batch dimension (NHWC for images). */
  readonly outputShape: readonly number[];
  /** Number of trainable parameters. */
  readonly params: number;
  /** Activation fused into the layer, if any. */
  readonly activation?: 'relu' | 'softmax';
  /** Dropout rate (Dropout layers only). */
  readonly rate?: number;
}

export const LAYERS: readonly LayerSpec[] = [
  { name: 'conv2d', type: 'Conv2D', outputShape: [H1, H1, C1], params: KSIZE * KSIZE * C0 * C1 + C1, activation: 'relu' },
  { name: 'max_pooling2d', type: 'MaxPooling2D', outputShape: [P1, P1, C1], params: 0 },
  { name: 'dropout', type: 'Dropout', outputShape: [P1, P1, C1], params: 0, rate: DROPOUT_RATES[0] },
  { name: 'conv2d_1', type: 'Conv2D', outputShape: [H2, H2, C2], params: KSIZE * KSIZE * C1 * C2 + C2, activation: 'relu' },
  { name: 'max_pooling2d_1', type: 'MaxPooling2D', outputShape: [P2, P2, C2], params: 0 },
  { name: 'dropout_1', type: 'Dropout', outputShape: [P2, P2, C2], params: 0, rate: DROPOUT_RATES[1] },
  { name: 'flatten', type: 'Flatten', outputShape: [FLAT], params: 0 },
  { name: 'dense', type: 'Dense', outputShape: [HIDDEN], params: FLAT * HIDDEN + HIDDEN, activation: 'relu' },
  { name: 'dropout_2', type: 'Dropout', outputShape: [HIDDEN], params: 0, rate: DROPOUT_RATES[2] },
  { name: 'dense_1', type: 'Dense', outputShape: [CLASSES], params: HIDDEN * CLASSES + CLASSES, activation: 'softmax' },
];

/** Number of elements of a shape. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
