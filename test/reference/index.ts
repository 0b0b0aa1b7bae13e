/** float64 CPU reference: the oracle the GPU kernels are tested against. */
export * from './conv2d.ts';
export * from './relu.ts';
export * from './activation.ts';
export * from './pool.ts';
export * from './dropout.ts';
export * from './dense.ts';
export * from './loss.ts';
export * from './optim.ts';
export * from './model.ts';
export * from './pool2d.ts';
export * from './global-avg-pool.ts';
export * from './activation-layer.ts';
