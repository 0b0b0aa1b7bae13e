export * from './rng.ts';
export * from './init.ts';
export * from './summary.ts';
