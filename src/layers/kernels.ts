// Every registered kernel (src/gpu/kernel-registry.ts), gathered from the layer homes that
// register them: the tests and the bench iterate over this list.
import type { KernelEntry } from '../gpu/kernel-registry.ts';
import { ACTIVATION_KERNELS } from './activation.ts';
import { BATCH_NORM_KERNELS } from './batch-norm.ts';
import { CONV2D_KERNELS, CONV2D_REDUCE_KERNEL } from './conv2d-kernels.ts';
import { CONV2D_GENERAL_KERNELS } from './conv2d-general-kernels.ts';
import { DENSE_KERNELS } from './dense.ts';
import { DROPOUT_KERNELS } from './dropout.ts';
import { DROPOUT_RELU_BACKWARD_KERNEL } from './dropout-relu.ts';
import { GATHER_KERNEL } from './gather.ts';
import { GLOBAL_AVG_POOL_KERNELS } from './global-avg-pool.ts';
import { LOSS_KERNELS } from './loss.ts';
import { MAXPOOL_KERNELS } from './maxpool.ts';
import { OPTIMIZER_KERNELS } from './optimizer.ts';
import { POOL_DROPOUT_KERNELS } from './pool-dropout.ts';
import { POOL2D_KERNELS } from './pool2d.ts';

// Entries of different configuration types side by side: only their common fields are read here.
export const ALL_KERNELS: readonly KernelEntry<any>[] = [
  GATHER_KERNEL,
  ...CONV2D_KERNELS,
  CONV2D_REDUCE_KERNEL,
  ...Object.values(CONV2D_GENERAL_KERNELS),
  ...Object.values(MAXPOOL_KERNELS),
  ...Object.values(POOL_DROPOUT_KERNELS),
  ...Object.values(DROPOUT_KERNELS),
  DROPOUT_RELU_BACKWARD_KERNEL,
  ...DENSE_KERNELS,
  ...Object.values(POOL2D_KERNELS),
  ...Object.values(GLOBAL_AVG_POOL_KERNELS),
  ...ACTIVATION_KERNELS,
  ...Object.values(BATCH_NORM_KERNELS),
  ...Object.values(LOSS_KERNELS),
  ...Object.values(OPTIMIZER_KERNELS),
];
