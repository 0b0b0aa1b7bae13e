export * from './rng.ts';
export * from './architecture.ts';
export * from './params.ts';
export * from './init.ts';
export * from './summary.ts';
