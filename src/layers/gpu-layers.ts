// The GPU side of every layer type, in one record checked against the model's layer types
// (src/model/layers/index.ts): a type without an entry, or an entry for no type, is a compile
// error. Each entry lists the builders of the type's single-layer segment, tried in order (the
// first that returns a segment builds it; special cases before the general ones), and the
// kernels they run (ALL_KERNELS in src/layers/kernels.ts gathers them).
import type { KernelEntry } from '../gpu/kernel-registry.ts';
import type { LayerTypeName } from '../model/layers/index.ts';
import type { SingleLayerBuilder } from './segment-types.ts';
import { activation, batchNorm, dense, dropout, fastConv, floorMaxPool2x2, generalConv, globalAveragePooling, identityActivation, passThrough, pool2d } from './single-layers.ts';
import { ACTIVATION_KERNELS } from './activation.ts';
import { BATCH_NORM_KERNELS } from './batch-norm.ts';
import { CONV2D_KERNELS, CONV2D_REDUCE_KERNEL } from './conv2d-kernels.ts';
import { CONV2D_GENERAL_ALL } from './conv2d-general-choices.ts';
import { DENSE_KERNELS } from './dense.ts';
import { DROPOUT_KERNELS } from './dropout.ts';
import { GLOBAL_AVG_POOL_KERNELS } from './global-avg-pool.ts';
import { MAXPOOL_KERNELS } from './maxpool.ts';
import { POOL2D_KERNELS } from './pool2d.ts';
import { RESCALING_GPU } from './rescaling.ts';
import { AUGMENTATION_GPU } from './random-augmentation.ts';

export interface GpuLayerDefinition {
  /** Builders of the type's single-layer segment, tried in order. */
  readonly builders: readonly SingleLayerBuilder[];
  /** The registered kernels those builders run (entries of different configuration types: only their common fields are read). */
  readonly kernels: readonly KernelEntry<any>[];
}

export const GPU_LAYERS = {
  Conv2D: { builders: [fastConv, generalConv], kernels: [...CONV2D_KERNELS, CONV2D_REDUCE_KERNEL, ...CONV2D_GENERAL_ALL] },
  MaxPooling2D: { builders: [floorMaxPool2x2, pool2d], kernels: [...Object.values(MAXPOOL_KERNELS), ...Object.values(POOL2D_KERNELS)] },
  AveragePooling2D: { builders: [pool2d], kernels: Object.values(POOL2D_KERNELS) },
  GlobalAveragePooling2D: { builders: [globalAveragePooling], kernels: Object.values(GLOBAL_AVG_POOL_KERNELS) },
  Flatten: { builders: [passThrough], kernels: [] },
  Dropout: { builders: [dropout], kernels: Object.values(DROPOUT_KERNELS) },
  Activation: { builders: [identityActivation, activation], kernels: ACTIVATION_KERNELS },
  BatchNormalization: { builders: [batchNorm], kernels: Object.values(BATCH_NORM_KERNELS) },
  Dense: { builders: [dense], kernels: DENSE_KERNELS },
  Rescaling: RESCALING_GPU,
  ...AUGMENTATION_GPU,
} satisfies Record<LayerTypeName, GpuLayerDefinition>;
