// Every registered kernel (src/gpu/kernel-registry.ts): the plan's own stages (gather, loss,
// optimizer), the fusions' kernels, and each layer type's (src/layers/gpu-layers.ts), each
// once. The tests and the bench iterate over this list.
import type { KernelEntry } from '../gpu/kernel-registry.ts';
import { DROPOUT_RELU_BACKWARD_KERNEL } from './dropout-relu.ts';
import { GATHER_ANY_KERNEL, GATHER_KERNEL } from './gather.ts';
import { GPU_LAYERS, type GpuLayerDefinition } from './gpu-layers.ts';
import { LOSS_KERNELS } from './loss.ts';
import { OPTIMIZER_KERNELS } from './optimizer.ts';
import { POOL_DROPOUT_KERNELS } from './pool-dropout.ts';

// Entries of different configuration types side by side: only their common fields are read here.
export const ALL_KERNELS: readonly KernelEntry<any>[] = [
  ...new Set<KernelEntry<any>>([
    GATHER_KERNEL,
    GATHER_ANY_KERNEL,
    ...Object.values<GpuLayerDefinition>(GPU_LAYERS).flatMap((g) => g.kernels),
    ...Object.values(POOL_DROPOUT_KERNELS),
    DROPOUT_RELU_BACKWARD_KERNEL,
    ...Object.values(LOSS_KERNELS),
    ...Object.values(OPTIMIZER_KERNELS),
  ]),
];
