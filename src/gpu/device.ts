// Acquires a WebGPU device (navigator.gpu in a browser or worker, or any GPU object such as
// the `webgpu` package's in Node) wrapped in a typegpu root, with clear errors when WebGPU is
// missing and a hook for device loss. Every object the device makes is counted
// (gpu-objects.ts).
import tgpu, { type TgpuRoot } from 'typegpu';
import { trackGpuObjects } from './gpu-objects.ts';

export class WebGpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuUnavailableError';
  }
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software/fallback adapter (SwiftShader, etc.). */
  isFallback: boolean;
  features: string[];
}

export interface Gpu {
  root: TgpuRoot;
  device: GPUDevice;
  adapter: AdapterSummary;
  hasTimestamps: boolean;
  /** Resolves when the device is lost (never resolves for a healthy device). */
  lost: Promise<GPUDeviceLostInfo>;
}

export const NO_WEBGPU_HELP =
  'WebGPU is not available. Use a WebGPU-capable browser (Chrome/Edge 113+, Safari 26+, Firefox 141+) ' +
  'over https or localhost. Headless: a Chromium launched with ' +
  '--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader.';

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const isFallback =
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    /swiftshader/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
  return {
    vendor: info.vendor || 'unknown',
    architecture: info.architecture || 'unknown',
    device: info.device || '',
    description: info.description || '',
    isFallback,
    features: [...adapter.features].sort(),
  };
}

export function describeAdapter(a: AdapterSummary): string {
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((s) => s && s !== 'unknown');
  return `${parts.join(' / ') || 'unknown adapter'}${a.isFallback ? ' (software fallback)' : ''}`;
}

/**
 * Requests an adapter and device. Asks for the adapter's maximum storage-buffer limits
 * (the training set is stored on the GPU) and for timestamp-query where the adapter has it.
 */
export async function acquireGpu(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<Gpu> {
  if (!gpu) throw new WebGpuUnavailableError(NO_WEBGPU_HELP);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new WebGpuUnavailableError(`No WebGPU adapter was found. ${NO_WEBGPU_HELP}`);
  const hasTimestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    requiredFeatures: hasTimestamps ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(10, adapter.limits.maxStorageBuffersPerShaderStage),
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: adapter.limits.maxComputeWorkgroupSizeY,
    },
  });
  trackGpuObjects(device);
  const root = tgpu.initFromDevice({ device });
  return { root, device, adapter: summarizeAdapter(adapter), hasTimestamps, lost: device.lost };
}
