// A split larger than the adapter's largest storage buffer binding is streamed: the GPU holds
// a window of as many whole images as fit, and a load writes the chosen images into it in the
// epoch's order (pixels and labels). A window that cannot hold one image is refused in one line.
import { describe, expect, it } from 'vitest';
import { uploadSplit } from '../../src/train/dataset-gpu.ts';

interface FakeBuffer {
  label: string;
  size: number;
  bytes: Uint8Array;
}

function fakeDevice(maxStorageBufferBindingSize: number) {
  const buffers: FakeBuffer[] = [];
  const device = {
    limits: { maxStorageBufferBindingSize, maxBufferSize: 2 * maxStorageBufferBindingSize },
    createBuffer: ({ label, size }: { label: string; size: number }) => {
      const b = { label, size, bytes: new Uint8Array(size), destroy() {} };
      buffers.push(b);
      return b;
    },
    queue: {
      writeBuffer: (b: FakeBuffer, offset: number, data: ArrayBuffer, dataOffset: number, size: number) => {
        if (offset + size > b.size) throw new Error(`write past ${b.label}`);
        b.bytes.set(new Uint8Array(data, dataOffset, size), offset);
      },
    },
  } as unknown as GPUDevice;
  return { device, buffers };
}

describe('uploadSplit', () => {
  it('keeps a split that fits resident, whole', () => {
    const { device, buffers } = fakeDevice(1 << 20);
    const split = { images: new Uint8Array(30).map((_, i) => i), labels: Uint8Array.of(0, 1, 2), count: 3 };
    const data = uploadSplit(device, split, 3, 10, 'train');
    expect(data.stream).toBeUndefined();
    expect(data.count).toBe(3);
    expect(buffers.map((b) => b.size)).toEqual([32, 16]); // storage buffers are at least 16 bytes
  });

  it('streams a split past maxStorageBufferBindingSize through a window of whole images, loaded in order', () => {
    const pixels = 6; // images of 6 bytes: a window of 20 bytes holds 3 of them (18 bytes, 20 with padding)
    const { device, buffers } = fakeDevice(20);
    const count = 7;
    const split = { images: new Uint8Array(count * pixels).map((_, i) => i), labels: Uint8Array.of(10, 11, 12, 13, 14, 15, 16), count };
    const data = uploadSplit(device, split, count, pixels, 'train');
    expect(data.count).toBe(3);
    expect(data.stream?.capacity).toBe(3);
    const [images, labels] = buffers;
    expect(images.size).toBe(20);
    expect(labels.size).toBe(16);

    const order = Uint32Array.of(6, 0, 3, 5, 1, 2, 4);
    data.stream!.load('a', order, 3, 3); // images 5, 1, 2
    expect([...images.bytes.subarray(0, 18)]).toEqual([...split.images.subarray(30, 36), ...split.images.subarray(6, 12), ...split.images.subarray(12, 18)]);
    expect([...new Uint32Array(labels.bytes.buffer).subarray(0, 3)]).toEqual([15, 11, 12]);

    data.stream!.load('b', order, 6, 1); // the last, partial window: image 4
    expect([...images.bytes.subarray(0, 6)]).toEqual([...split.images.subarray(24, 30)]);
    expect(new Uint32Array(labels.bytes.buffer)[0]).toBe(14);
    expect(() => data.stream!.load('c', order, 0, 4)).toThrow('train: cannot load 4 images into a window of 3');
  });

  it('refuses images larger than the largest binding, in one line', () => {
    const { device, buffers } = fakeDevice(1000);
    const split = { images: new Uint8Array(2 * 4096), labels: new Uint8Array(2), count: 2 };
    expect(() => uploadSplit(device, split, 2, 4096, 'test')).toThrow(
      "the test images of 4,096 bytes each do not fit this adapter's largest storage buffer binding (1,000 bytes)",
    );
    expect(buffers).toHaveLength(0);
  });
});
