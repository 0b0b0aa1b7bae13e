// Test helper: the structure of an HDF5 file (groups, datasets with shape and element type,
// attributes with type and value), read with h5wasm, for comparing a written file with a
// Keras-written fixture. Also builds small HDF5 files by hand for the bad-input tests.
import * as h5wasm from 'h5wasm';

export interface H5Node {
  path: string;
  kind: 'group' | 'dataset';
  /** Dataset shape. */
  shape?: number[];
  /** Element type of a dataset: e.g. `float32`, `int32`. */
  type?: string;
  /** Attribute name -> `<type> <value>`. */
  attrs: Record<string, string>;
}

type Meta = { type: number; size: number; signed: boolean; vlen: boolean; cset?: number };

// String padding is left out: h5wasm writes variable-length UTF-8 strings space-padded, h5py
// null-terminated; for variable-length strings the padding carries nothing (h5py reads both alike).
function typeName(meta: Meta): string {
  if (meta.type === 0) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === 1) return `float${meta.size * 8}`;
  if (meta.type === 3) return `string(${meta.vlen ? 'vlen' : meta.size}, ${meta.cset === 1 ? 'utf-8' : 'ascii'})`;
  return `class ${meta.type}`;
}

function attrsOf(entity: h5wasm.Group | h5wasm.Dataset): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, attr] of Object.entries(entity.attrs)) {
    out[name] = `${typeName(attr.metadata as Meta)} shape=[${(attr.shape ?? []).join(',')}] ${JSON.stringify(attr.json_value)}`;
  }
  return out;
}

let counter = 0;

async function withFile<T>(bytes: Uint8Array | null, body: (file: h5wasm.File) => T): Promise<{ result: T; bytes: Uint8Array }> {
  const module = await h5wasm.ready;
  const path = `/h5-tree-${++counter}.h5`;
  if (bytes) module.FS.writeFile(path, bytes);
  const file = new h5wasm.File(path, bytes ? 'r' : 'w');
  try {
    const result = body(file);
    file.close();
    return { result, bytes: new Uint8Array(module.FS.readFile(path)) };
  } finally {
    module.FS.unlink(path);
  }
}

/** Every object of the file, depth first, sorted by path. */
export async function h5Tree(bytes: Uint8Array): Promise<H5Node[]> {
  const { result } = await withFile(bytes, (file) => {
    const nodes: H5Node[] = [];
    const walk = (group: h5wasm.Group, prefix: string) => {
      for (const key of group.keys()) {
        const child = group.get(key);
        const path = `${prefix}/${key}`;
        if (child instanceof h5wasm.Group) {
          nodes.push({ path, kind: 'group', attrs: attrsOf(child) });
          walk(child, path);
        } else if (child instanceof h5wasm.Dataset) {
          nodes.push({ path, kind: 'dataset', shape: child.shape ?? [], type: typeName(child.metadata as Meta), attrs: attrsOf(child) });
        }
      }
    };
    nodes.push({ path: '/', kind: 'group', attrs: attrsOf(file) });
    walk(file, '');
    return nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  });
  return result;
}

/** A dataset to write by hand: its path and typed data of any element type. */
export interface RawDataset {
  path: string;
  data: Float32Array | Float64Array | Int32Array;
  shape: number[];
}

/** Writes an HDF5 file holding exactly these groups (with a `name` attribute on each `.../vars`) and datasets. */
export async function buildH5(groups: string[], datasets: RawDataset[]): Promise<Uint8Array> {
  const { bytes } = await withFile(null, (file) => {
    for (const g of groups) {
      const group = file.create_group(g);
      if (g.endsWith('/vars') || g === 'vars') group.create_attribute('name', g.split('/').at(-2) ?? 'sequential');
    }
    for (const d of datasets) {
      const cut = d.path.lastIndexOf('/');
      const parent = file.get(d.path.slice(0, cut)) as h5wasm.Group;
      parent.create_dataset({ name: d.path.slice(cut + 1), data: d.data, shape: d.shape });
    }
  });
  return bytes;
}
