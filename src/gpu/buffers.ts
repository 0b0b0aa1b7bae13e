// Raw GPU buffer helpers: storage buffers, uploads and readbacks through a staging buffer.

export const STORAGE = GPUBufferUsageFlags();

function GPUBufferUsageFlags(): number {
  // GPUBufferUsage is a global in browsers; in Node it comes with the `webgpu` package's globals.
  const u = (globalThis as { GPUBufferUsage?: typeof GPUBufferUsage }).GPUBufferUsage;
  return u ? u.STORAGE | u.COPY_SRC | u.COPY_DST : 0x80 | 0x04 | 0x08;
}

/** A storage buffer usable as copy source and destination. `bytes` is rounded up to 4. */
export function createStorageBuffer(device: GPUDevice, bytes: number, label: string): GPUBuffer {
  return device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: STORAGE });
}

/** A storage buffer holding `data` (byte length padded to a multiple of 4). */
export function createBufferWith(device: GPUDevice, data: ArrayBufferView, label: string): GPUBuffer {
  const buffer = createStorageBuffer(device, data.byteLength, label);
  writeBuffer(device, buffer, data);
  return buffer;
}

export function writeBuffer(device: GPUDevice, buffer: GPUBuffer, data: ArrayBufferView, byteOffset = 0): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const padded = bytes.byteLength % 4 === 0 ? bytes : padTo4(bytes);
  device.queue.writeBuffer(buffer, byteOffset, padded.buffer, padded.byteOffset, padded.byteLength);
}

function padTo4(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}

/** Copies `bytes` bytes of `buffer` (from `byteOffset`) into a new ArrayBuffer. For tests and rare reads. */
export async function readBufferBytes(
  device: GPUDevice,
  buffer: GPUBuffer,
  bytes = buffer.size,
  byteOffset = 0,
): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, byteOffset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return copy;
}

export async function readF32(device: GPUDevice, buffer: GPUBuffer, count?: number, offset = 0): Promise<Float32Array> {
  const n = count ?? buffer.size / 4 - offset;
  return new Float32Array(await readBufferBytes(device, buffer, n * 4, offset * 4));
}

export async function readU32(device: GPUDevice, buffer: GPUBuffer, count?: number, offset = 0): Promise<Uint32Array> {
  const n = count ?? buffer.size / 4 - offset;
  return new Uint32Array(await readBufferBytes(device, buffer, n * 4, offset * 4));
}
