// The .keras file's fuzz cases: the zip container edited field by field (central directory,
// local headers, end record), its JSON members edited as text, its HDF5 weights edited (bytes,
// dataset dimensions, the global heap) and zipped again with correct CRCs so the HDF5 reader
// sees them; plus the crafted files (zip bombs, a heap that loops the HDF5 library).
import { Deflate, unzipSync, zipSync } from 'fflate';
import { concatBytes } from '../../src/io/bytes.ts';
import { readWeightsH5 } from '../../src/io/keras-h5.ts';
import { cut, editedJson, flipped, pick, textOf, withField, type Rng } from './fuzz-harness.ts';

export interface FileCase {
  label: string;
  bytes: Uint8Array;
}

const STORED = { level: 0 } as const;
const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/** Where the records of a (valid) zip archive lie. */
function zipLayout(bytes: Uint8Array): { end: number; central: number[]; local: number[] } {
  let end = bytes.length - 22;
  while (u32(bytes, end) !== 0x06054b50) end--;
  const central: number[] = [];
  const local: number[] = [];
  let at = u32(bytes, end + 16);
  for (let i = 0; i < u16(bytes, end + 10); i++) {
    central.push(at);
    local.push(u32(bytes, at + 42));
    at += 46 + u16(bytes, at + 28) + u16(bytes, at + 30) + u16(bytes, at + 32);
  }
  return { end, central, local };
}

/** Header fields of a zip (offset from the record, size) and the values they are edited to. */
const CENTRAL_FIELDS: [string, number, 2 | 4][] = [
  ['flags', 8, 2],
  ['method', 10, 2],
  ['crc', 16, 4],
  ['compressed size', 20, 4],
  ['declared size', 24, 4],
  ['name length', 28, 2],
  ['extra length', 30, 2],
  ['local header offset', 42, 4],
];
const LOCAL_FIELDS: [string, number, 2 | 4][] = [
  ['local name length', 26, 2],
  ['local extra length', 28, 2],
  ['local signature', 0, 4],
];
const END_FIELDS: [string, number, 2 | 4][] = [
  ['member count', 10, 2],
  ['directory size', 12, 4],
  ['directory offset', 16, 4],
];

function fieldValue(rng: Rng, old: number, size: 2 | 4): number {
  const max = size === 2 ? 0xffff : 0xffffffff;
  const v = pick(rng, [0, 1, old + 1, old - 1, old + 4096, max, max - 1, rng.nextInt(max)]);
  return Math.max(0, Math.min(max, v));
}

/** The container edited: header fields, member data, truncation, random bytes. */
export function* containerCases(bases: readonly FileCase[], rng: Rng, count: number): Generator<FileCase> {
  for (let i = 0; i < count; i++) {
    const base = pick(rng, bases);
    const b = base.bytes;
    const { end, central, local } = zipLayout(b);
    const kind = rng.nextInt(7);
    const label = (what: string) => `${base.label} #${i}: ${what}`;
    if (kind <= 1) {
      const [records, fields] = kind === 0 ? [central, CENTRAL_FIELDS] : [local, LOCAL_FIELDS];
      const [name, off, size] = pick(rng, fields);
      const m = rng.nextInt(records.length);
      const at = records[m] + off;
      const v = fieldValue(rng, size === 2 ? u16(b, at) : u32(b, at), size);
      yield { label: label(`member ${m} ${name} = ${v}`), bytes: withField(b, at, v, size, true) };
    } else if (kind === 2) {
      const [name, off, size] = pick(rng, END_FIELDS);
      const v = fieldValue(rng, size === 2 ? u16(b, end + off) : u32(b, end + off), size);
      yield { label: label(`end record ${name} = ${v}`), bytes: withField(b, end + off, v, size, true) };
    } else if (kind === 3) {
      const m = rng.nextInt(local.length);
      const from = local[m] + 30;
      yield { label: label(`member ${m} data flipped`), bytes: flipped(b, rng, 1 + rng.nextInt(4), from, from + 4096) };
    } else if (kind === 4) {
      const at = pick(rng, [rng.nextInt(b.length), end - 1, end + 10, central[0], b.length - 1]);
      yield { label: label(`cut at ${at}`), bytes: cut(b, at) };
    } else if (kind === 5) {
      yield { label: label('bytes flipped in the records'), bytes: flipped(b, rng, 1 + rng.nextInt(4), central[0], b.length) };
    } else {
      yield { label: label('bytes flipped anywhere'), bytes: flipped(b, rng, 1 + rng.nextInt(8)) };
    }
  }
}

/** config.json or metadata.json edited as text, zipped again (CRCs right). */
export function* jsonMemberCases(base: Uint8Array, rng: Rng, count: number): Generator<FileCase> {
  const members = unzipSync(base);
  for (let i = 0; i < count; i++) {
    const name = rng.nextInt(4) === 0 ? 'metadata.json' : 'config.json';
    const { bytes, what } = editedJson(textOf(members[name]), rng);
    yield { label: `${name} #${i}: ${what}`, bytes: zipSync({ ...members, [name]: bytes }, STORED) };
  }
}

/** The 8-byte little-endian encoding of dims, as HDF5's dataspace message stores them. */
function dimsPattern(dims: readonly number[]): Uint8Array {
  const out = new Uint8Array(dims.length * 8);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setBigUint64(i * 8, BigInt(d), true));
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength));
}

/** Where each variable's dims lie in the HDF5 file (found by their encoding). */
async function dimsOffsets(h5: Uint8Array): Promise<{ at: number; rank: number }[]> {
  const weights = await readWeightsH5(h5, 'fixture');
  const shapes = [...weights.layers.flatMap((l) => l.vars), ...(weights.optimizer?.vars ?? [])].map((v) => v.shape).filter((s) => s.length > 1);
  const found = shapes.map((s) => ({ at: indexOf(h5, dimsPattern(s)), rank: s.length }));
  return found.filter((f) => f.at >= 0);
}

/** Offsets of the size fields of the global heap's objects (the heap holding the name attributes). */
export function globalHeapSizeFields(h5: Uint8Array): number[] {
  const start = indexOf(h5, new TextEncoder().encode('GCOL'));
  if (start < 0) return [];
  const view = new DataView(h5.buffer, h5.byteOffset, h5.byteLength);
  const end = start + Number(view.getBigUint64(start + 8, true));
  const fields: number[] = [];
  for (let at = start + 16; at + 16 <= end; ) {
    const size = Number(view.getBigUint64(at + 8, true));
    fields.push(at + 8);
    if (view.getUint16(at, true) === 0) break; // the free space, last
    at += 16 + Math.ceil(size / 8) * 8;
  }
  return fields;
}

/** model.weights.h5 edited (metadata bytes, dimensions, heap object sizes, truncation), zipped again. */
export async function* hdf5Cases(base: Uint8Array, rng: Rng, count: number): AsyncGenerator<FileCase> {
  const members = unzipSync(base);
  const h5 = members['model.weights.h5'];
  const dims = await dimsOffsets(h5);
  const heap = globalHeapSizeFields(h5);
  for (let i = 0; i < count; i++) {
    const kind = rng.nextInt(6);
    let edited: Uint8Array;
    let what: string;
    if (kind === 0 && dims.length) {
      const d = pick(rng, dims);
      const k = rng.nextInt(d.rank);
      const v = pick(rng, [0, 1e12, 2 ** 32, 2 ** 40 + 3]);
      edited = h5.slice();
      new DataView(edited.buffer).setBigUint64(d.at + 8 * k, BigInt(v), true);
      what = `dimension ${k} of a variable = ${v}`;
    } else if (kind === 1 && heap.length && rng.nextInt(8) === 0) {
      // Most such edits loop the HDF5 library (each then costs the reader's time limit): a few.
      edited = withField(h5, pick(rng, heap), pick(rng, [0, 1, 255, 4096, 0xffffffff]), 4, true);
      what = 'a global heap object size edited';
    } else if (kind === 2) {
      const at = rng.nextInt(h5.length);
      edited = cut(h5, at);
      what = `cut at ${at}`;
    } else if (kind === 3) {
      edited = flipped(h5, rng, 1 + rng.nextInt(8), 0, 8192);
      what = 'metadata bytes flipped';
    } else {
      edited = flipped(h5, rng, 1 + rng.nextInt(8));
      what = 'bytes flipped anywhere';
    }
    yield { label: `model.weights.h5 #${i}: ${what}`, bytes: zipSync({ ...members, 'model.weights.h5': edited }, STORED) };
  }
}

/** A raw deflate stream of `megabytes` MB of spaces, made quickly: one compressed megabyte repeated. */
function spacesDeflated(megabytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const deflate = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
  const mb = new Uint8Array(1 << 20).fill(0x20);
  deflate.push(mb);
  deflate.flush(true);
  const first = concatBytes(parts.splice(0));
  deflate.push(mb);
  deflate.flush(true); // byte-aligned, and its back references reach only spaces: repeatable
  const again = concatBytes(parts.splice(0));
  deflate.push(new Uint8Array(0), true);
  const last = concatBytes(parts.splice(0));
  return concatBytes([first, ...Array<Uint8Array>(megabytes - 1).fill(again), last]);
}

/**
 * A .keras file whose `member` is a zip bomb: `megabytes` MB of spaces deflated, the archive
 * declaring it as small as its compressed size (the declared size is never trusted either way).
 */
export function zipBomb(base: Uint8Array, member: string, megabytes: number): Uint8Array {
  const members = unzipSync(base);
  const bomb = spacesDeflated(megabytes);
  const bytes = zipSync({ ...members, [member]: bomb }, STORED);
  const { central, local } = zipLayout(bytes);
  const m = central.findIndex((at) => textOf(bytes.subarray(at + 46, at + 46 + u16(bytes, at + 28))) === member);
  const view = new DataView(bytes.buffer);
  view.setUint16(central[m] + 10, 8, true); // method: deflate
  view.setUint16(local[m] + 8, 8, true);
  return bytes;
}
