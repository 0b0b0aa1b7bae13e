// Reads members of a zip archive without trusting what its headers claim: the central
// directory's offsets and sizes are checked against the archive's real length, a deflated
// member is inflated a slice at a time and refused as soon as its output passes the caller's
// cap (a zip bomb stops there, whatever size it declares), and every member's CRC-32 is
// checked. Stored and deflated members only, as Keras writes them. fflate does the inflating.
// Browser-safe.
import { Inflate } from 'fflate';
import { concatBytes } from './bytes.ts';
import { formatCount } from './load-limits.ts';

/** What is wrong with an archive or a member; callers put the file's name in front. */
export class ZipReadError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'ZipReadError';
  }
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  /** The size the archive declares for the member; never trusted, only reported. */
  declaredSize: number;
  localHeaderOffset: number;
}

const END_RECORD = 0x06054b50;
const CENTRAL_RECORD = 0x02014b50;
const LOCAL_RECORD = 0x04034b50;
const END_RECORD_BYTES = 22;
const CENTRAL_RECORD_BYTES = 46;
const LOCAL_RECORD_BYTES = 30;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_EXTRA = 0x0001;
const U32_MAX = 0xffffffff;

/** Compressed bytes handed to the inflater at a time: its output per step is at most ~1,032 times this. */
const INFLATE_SLICE_BYTES = 4 * 1024;

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

function endRecordAt(bytes: Uint8Array): number {
  const lowest = Math.max(0, bytes.length - END_RECORD_BYTES - MAX_COMMENT_BYTES);
  for (let at = bytes.length - END_RECORD_BYTES; at >= lowest; at--) {
    if (u32(bytes, at) === END_RECORD) return at;
  }
  throw new ZipReadError('not a zip archive (no end-of-central-directory record)');
}

/** Sizes and offset a ZIP64 extra field gives in place of 0xffffffff values (under 2^53). */
function zip64Values(extra: Uint8Array, wanted: number): number[] {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = u16(extra, at);
    const size = u16(extra, at + 2);
    if (id === ZIP64_EXTRA) {
      const values: number[] = [];
      for (let i = 0; i < wanted && at + 4 + i * 8 + 8 <= extra.length && i * 8 + 8 <= size; i++) {
        const low = u32(extra, at + 4 + i * 8);
        const high = u32(extra, at + 8 + i * 8);
        values.push(high * 2 ** 32 + low);
      }
      return values;
    }
    at += 4 + size;
  }
  return [];
}

/** The members the central directory lists, each checked to lie inside the archive. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const end = endRecordAt(bytes);
  const count = u16(bytes, end + 10);
  const directorySize = u32(bytes, end + 12);
  const directoryOffset = u32(bytes, end + 16);
  if (count === 0xffff || directoryOffset === U32_MAX) throw new ZipReadError('a ZIP64 archive (over 4 GB or 65,535 members), larger than this trainer reads');
  if (directoryOffset + directorySize > end) throw new ZipReadError('damaged: its central directory lies past the end of the archive (truncated?)');
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_RECORD_BYTES > end || u32(bytes, at) !== CENTRAL_RECORD) throw new ZipReadError(`damaged: central directory record ${i} of ${count} is missing`);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    const next = at + CENTRAL_RECORD_BYTES + nameLength + extraLength + commentLength;
    if (next > end) throw new ZipReadError(`damaged: central directory record ${i} runs past its end`);
    const name = decoder.decode(bytes.subarray(at + CENTRAL_RECORD_BYTES, at + CENTRAL_RECORD_BYTES + nameLength));
    const extra = bytes.subarray(at + CENTRAL_RECORD_BYTES + nameLength, at + CENTRAL_RECORD_BYTES + nameLength + extraLength);
    let declaredSize = u32(bytes, at + 24);
    let compressedSize = u32(bytes, at + 20);
    let localHeaderOffset = u32(bytes, at + 42);
    const big = [declaredSize, compressedSize, localHeaderOffset].filter((v) => v === U32_MAX).length;
    if (big > 0) {
      const values = zip64Values(extra, big);
      if (values.length < big) throw new ZipReadError(`member ${name}: damaged ZIP64 sizes`);
      let k = 0;
      if (declaredSize === U32_MAX) declaredSize = values[k++];
      if (compressedSize === U32_MAX) compressedSize = values[k++];
      if (localHeaderOffset === U32_MAX) localHeaderOffset = values[k++];
    }
    if (names.has(name)) throw new ZipReadError(`two members are named ${name}`);
    names.add(name);
    entries.push({ name, method: u16(bytes, at + 10), flags: u16(bytes, at + 8), crc32: u32(bytes, at + 16), compressedSize, declaredSize, localHeaderOffset });
    at = next;
  }
  return entries;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the zip format's) of parts, in order. */
function crc32(parts: readonly Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC_TABLE[(c ^ p[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function tooLarge(entry: ZipEntry, cap: number): ZipReadError {
  return new ZipReadError(`member ${entry.name} is larger than the ${formatCount(cap)} bytes this trainer reads (a damaged file or a zip bomb?)`);
}

/** Inflates `data`, stopping with an error as soon as the output passes `cap` bytes. */
function inflateCapped(data: Uint8Array, entry: ZipEntry, cap: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > cap) throw tooLarge(entry, cap);
    if (chunk.length) parts.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length || at === 0; at += INFLATE_SLICE_BYTES) {
      const last = at + INFLATE_SLICE_BYTES >= data.length;
      inflater.push(data.subarray(at, at + INFLATE_SLICE_BYTES), last);
      if (last) break;
    }
  } catch (e) {
    if (e instanceof ZipReadError) throw e;
    throw new ZipReadError(`member ${entry.name} is damaged (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!ended) throw new ZipReadError(`member ${entry.name} is damaged (its compressed data ends early)`);
  return parts;
}

/**
 * The content of one member, at most `cap` bytes (refused, while inflating, past that). The
 * result of a stored member is a view into `bytes`.
 */
export function zipMember(bytes: Uint8Array, entry: ZipEntry, cap: number): Uint8Array {
  if (entry.flags & 1) throw new ZipReadError(`member ${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipReadError(`member ${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`);
  const at = entry.localHeaderOffset;
  if (at + LOCAL_RECORD_BYTES > bytes.length || u32(bytes, at) !== LOCAL_RECORD) throw new ZipReadError(`member ${entry.name}: damaged (no local header where the directory says)`);
  const start = at + LOCAL_RECORD_BYTES + u16(bytes, at + 26) + u16(bytes, at + 28);
  if (start + entry.compressedSize > bytes.length) throw new ZipReadError(`member ${entry.name}: its data runs past the end of the archive (truncated?)`);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0 && data.length > cap) throw tooLarge(entry, cap);
  const parts = entry.method === 0 ? [data] : inflateCapped(data, entry, cap);
  if (crc32(parts) !== entry.crc32) throw new ZipReadError(`member ${entry.name} is damaged (its CRC-32 does not match)`);
  return concatBytes(parts);
}
