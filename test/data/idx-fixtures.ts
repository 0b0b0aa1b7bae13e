// Builders for small crafted IDX files (valid or deliberately broken) used by the data tests.

/** An IDX3 image file: 16-byte big-endian header, then `count*rows*cols` pixel bytes (pixel i = i mod 256). */
export function imageFile(
  count: number,
  opts: { rows?: number; cols?: number; magic?: number; headerCount?: number; dataBytes?: number } = {},
): Uint8Array<ArrayBuffer> {
  const rows = opts.rows ?? 28;
  const cols = opts.cols ?? 28;
  const dataBytes = opts.dataBytes ?? count * rows * cols;
  const bytes = new Uint8Array(16 + dataBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, opts.magic ?? 2051);
  view.setUint32(4, opts.headerCount ?? count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  for (let i = 0; i < dataBytes; i++) bytes[16 + i] = i % 256;
  return bytes;
}

/** An IDX1 label file: 8-byte big-endian header, then one byte per label. */
export function labelFile(labels: number[], opts: { magic?: number; headerCount?: number } = {}): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8 + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, opts.magic ?? 2049);
  view.setUint32(4, opts.headerCount ?? labels.length);
  bytes.set(labels, 8);
  return bytes;
}
