// WebGPU in Node through the `webgpu` package (Dawn). Node-only: the browser never imports it.
// Installs the WebGPU globals (GPUBufferUsage, GPUMapMode, ...) the project's code uses.
import { createRequire } from 'node:module';

export async function createNodeGpu(): Promise<GPU> {
  const { create, globals } = (await import('webgpu')) as unknown as {
    create(flags: string[]): GPU;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, globals);
  return create([]);
}

/** "Dawn (webgpu 0.6.2)": the implementation and the package's version (part of the autotuning key). */
export function dawnRuntime(): string {
  let version = 'unknown version';
  try {
    version = (createRequire(import.meta.url)('webgpu/package.json') as { version: string }).version;
  } catch {
    // an unusual install: the key then says so
  }
  return `Dawn (webgpu ${version})`;
}
