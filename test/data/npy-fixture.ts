// Writes small .npy files (format 1.0) for the .npz tests.

/** A .npy file (format 1.0) of `descr` with `shape`, its elements from `values`. */
export function npy(descr: string, shape: number[], values: number[], fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const size = Number(descr.slice(2));
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => {
    if (descr === '|u1') view.setUint8(i, v);
    else if (descr === '<i4') view.setInt32(i * 4, v, true);
    else if (descr === '<i8') view.setBigInt64(i * 8, BigInt(v), true);
    else if (descr === '>u2') view.setUint16(i * 2, v, false);
    else if (descr === '<f4') view.setFloat32(i * 4, v, true);
  });
  return out;
}
