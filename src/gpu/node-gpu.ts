// WebGPU in Node through the `webgpu` package (Dawn). Node-only: the browser never imports it.
// Installs the WebGPU globals (GPUBufferUsage, GPUMapMode, ...) the project's code uses.
export async function createNodeGpu(): Promise<GPU> {
  const { create, globals } = (await import('webgpu')) as unknown as {
    create(flags: string[]): GPU;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, globals);
  return create([]);
}
