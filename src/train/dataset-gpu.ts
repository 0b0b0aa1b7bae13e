// One split of a dataset on the GPU: images packed 4 pixels per u32, labels as u32. A split
// that fits one storage buffer binding of the adapter is uploaded once (resident) and batches
// are selected on the GPU through index buffers. A larger split is streamed: the GPU holds a
// window of `capacity` images, and a pass loads each run of whole batches into it, in the
// order of its epoch, just before submitting them (src/train/pass.ts: stage, windowEnd). The
// kernels see the same bytes in the same order either way, so a streamed run equals a resident one.
import type { MnistSplit } from '../data/mnist.ts';
import { createBufferWith, createStorageBuffer, writeBuffer } from '../gpu/buffers.ts';
import { formatCount } from '../io/load-limits.ts';

export interface GpuImages {
  images: GPUBuffer; // (count * pixels / 4) u32: 4 pixels per word, little-endian
  labels: GPUBuffer; // (count) u32
  /** Images the GPU buffers hold: the whole split, or a streamed split's window. */
  count: number;
  /** Present when the split is streamed through a window of `count` images. */
  stream?: ImageStream;
  destroy(): void;
}

/** The largest buffer of images this device binds (bytes). */
export function residentLimit(device: GPUDevice): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

/**
 * Uploads the first `count` images (of `pixels` bytes each) and labels of a split; streams them
 * through a window when they take more than `limitBytes` (default: the device's largest binding).
 */
export function uploadSplit(
  device: GPUDevice,
  split: MnistSplit,
  count: number,
  pixels: number,
  label: string,
  limitBytes = residentLimit(device),
): GpuImages {
  if (count < 1 || count > split.count) throw new Error(`${label}: cannot upload ${count} of ${split.count} images`);
  if (split.images.length < count * pixels) throw new Error(`${label}: ${split.images.length} bytes hold fewer than ${count} images of ${pixels} values`);
  const bytes = count * pixels;
  if (bytes > limitBytes) return streamSplit(device, split, count, pixels, label, limitBytes);
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

function streamSplit(device: GPUDevice, split: MnistSplit, count: number, pixels: number, label: string, limitBytes: number): GpuImages {
  const capacity = Math.min(count, Math.floor(limitBytes / pixels));
  if (capacity < 1) {
    throw new Error(`the ${label} images of ${formatCount(pixels)} bytes each do not fit this adapter's largest storage buffer binding (${formatCount(limitBytes)} bytes)`);
  }
  const images = createStorageBuffer(device, Math.ceil((capacity * pixels) / 4) * 4, `${label} images (window of ${capacity})`);
  const labels = createStorageBuffer(device, capacity * 4, `${label} labels (window of ${capacity})`);
  const stream = new ImageStream(device, split, count, pixels, capacity, label, images, labels);
  return {
    images,
    labels,
    count: capacity,
    stream,
    destroy() {
      images.destroy();
      labels.destroy();
    },
  };
}

/** A split kept on the CPU, loaded into a GPU window of `capacity` images on demand. */
export class ImageStream {
  private readonly pixelStaging: Uint8Array; // (capacity, H, W, C) bytes, padded to whole words
  private readonly labelStaging: Uint32Array; // (capacity)
  /** Which run of images the window holds now (the key of the last load). */
  private loaded: string | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly split: MnistSplit,
    /** Images of the split that may be loaded (its first `count`). */
    readonly count: number,
    private readonly pixels: number,
    /** Images the window holds. */
    readonly capacity: number,
    readonly label: string,
    private readonly images: GPUBuffer,
    private readonly labels: GPUBuffer,
  ) {
    this.pixelStaging = new Uint8Array(Math.ceil((capacity * pixels) / 4) * 4);
    this.labelStaging = new Uint32Array(capacity);
  }

  /**
   * Loads the images `order[first .. first + n)` into the window's first n places (queue order:
   * later submits see them). `key` names this run; loading the run the window holds does nothing.
   */
  load(key: string, order: Uint32Array, first: number, n: number): void {
    if (this.loaded === key) return;
    if (n < 1 || n > this.capacity) throw new Error(`${this.label}: cannot load ${n} images into a window of ${this.capacity}`);
    const { pixels, split } = this;
    for (let i = 0; i < n; i++) {
      const image = order[first + i];
      if (image >= this.count) throw new Error(`${this.label}: image ${image} is past the ${this.count} uploaded`);
      this.pixelStaging.set(split.images.subarray(image * pixels, (image + 1) * pixels), i * pixels);
      this.labelStaging[i] = split.labels[image];
    }
    writeBuffer(this.device, this.images, this.pixelStaging.subarray(0, Math.ceil((n * pixels) / 4) * 4));
    writeBuffer(this.device, this.labels, this.labelStaging.subarray(0, n));
    this.loaded = key;
  }
}
