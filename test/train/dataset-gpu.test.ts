// A split larger than the adapter's largest storage buffer binding is refused before anything
// is allocated, in one line giving the limit, the size and how many such images fit.
import { describe, expect, it } from 'vitest';
import { uploadSplit } from '../../src/train/dataset-gpu.ts';

describe('uploadSplit', () => {
  it("refuses images past maxStorageBufferBindingSize, naming both sizes", () => {
    let buffers = 0;
    const device = {
      limits: { maxStorageBufferBindingSize: 134_217_728, maxBufferSize: 268_435_456 },
      createBuffer: () => void buffers++,
    } as unknown as GPUDevice;
    const pixels = 64 * 64 * 3;
    const count = 11_000;
    const split = { images: new Uint8Array(count * pixels), labels: new Uint8Array(count), count };
    expect(() => uploadSplit(device, split, count, pixels, 'train')).toThrow(
      "the train images (11,000 of 12,288 bytes) take 135,168,000 bytes on the GPU, more than this adapter's largest storage buffer binding (maxStorageBufferBindingSize 134,217,728 bytes): at most 10,922 such images fit",
    );
    expect(buffers).toBe(0);
  });
});
