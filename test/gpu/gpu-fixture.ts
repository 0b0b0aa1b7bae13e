// Shared WebGPU device for GPU tests. A test without an adapter fails loudly: it never skips.
import { acquireGpu, type Gpu } from '../../src/gpu/device.ts';

let shared: Promise<Gpu> | undefined;

export const NO_ADAPTER_HINT =
  'No WebGPU adapter in this browser. The GPU tests need Chromium with WebGPU (src/cli/browser.ts finds ' +
  'it: CHROMIUM_PATH, a system Chromium/Chrome, else the npm package @sparticuz/chromium), launched with ' +
  '--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader (vite.config.ts does this).';

export function getGpu(): Promise<Gpu> {
  shared ??= acquireGpu().catch((e: unknown) => {
    throw new Error(`${NO_ADAPTER_HINT}\nCause: ${e instanceof Error ? e.message : String(e)}`);
  });
  return shared;
}

/** Runs `fn` inside validation and out-of-memory error scopes and throws on any GPU error. */
export async function expectNoGpuErrors<T>(device: GPUDevice, fn: () => Promise<T> | T): Promise<T> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const result = await fn();
  const oom = await device.popErrorScope();
  const validation = await device.popErrorScope();
  if (oom) throw new Error(`GPU out-of-memory: ${oom.message}`);
  if (validation) throw new Error(`GPU validation error: ${validation.message}`);
  return result;
}
