// One split of a dataset resident on the GPU: images packed 4 pixels per u32, labels as u32,
// uploaded once. Batches are selected on the GPU through index buffers. A split larger than
// one storage buffer binding of the adapter is refused, naming both sizes.
import type { MnistSplit } from '../data/mnist.ts';
import { createBufferWith } from '../gpu/buffers.ts';
import { formatCount } from '../io/load-limits.ts';

export interface GpuImages {
  images: GPUBuffer; // (N * pixels / 4) u32: 4 pixels per word, little-endian
  labels: GPUBuffer; // (N) u32
  count: number;
  destroy(): void;
}

/** Uploads the first `count` images (of `pixels` bytes each) and labels of a split. */
export function uploadSplit(device: GPUDevice, split: MnistSplit, count: number, pixels: number, label: string): GpuImages {
  if (count < 1 || count > split.count) throw new Error(`${label}: cannot upload ${count} of ${split.count} images`);
  if (split.images.length < count * pixels) throw new Error(`${label}: ${split.images.length} bytes hold fewer than ${count} images of ${pixels} values`);
  const bytes = count * pixels;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (bytes > limit) {
    throw new Error(
      `the ${label} images (${formatCount(count)} of ${formatCount(pixels)} bytes) take ${formatCount(bytes)} bytes on the GPU, more than this adapter's ` +
        `largest storage buffer binding (maxStorageBufferBindingSize ${formatCount(limit)} bytes): at most ${formatCount(Math.floor(limit / pixels))} such images fit`,
    );
  }
  const images = createBufferWith(device, split.images.subarray(0, count * pixels), `${label} images`);
  const labels = createBufferWith(device, Uint32Array.from(split.labels.subarray(0, count)), `${label} labels`);
  return {
    images,
    labels,
    count,
    destroy() {
      images.destroy();
      labels.destroy();
    },
  };
}
