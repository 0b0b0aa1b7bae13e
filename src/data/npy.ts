// NumPy's .npy format (format versions 1 to 3): the magic, the header (a Python dict literal:
// {'descr': '<i8', 'fortran_order': False, 'shape': (60000, 28, 28), }) and the raw array after
// it. Integer and unsigned arrays in C order only; the header's shape is checked against the
// bytes that follow before anything is read. Browser-safe.

/** What is wrong with an array; callers put the file's and the member's names in front. */
export class NpyFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'NpyFormatError';
  }
}

export interface NpyDtype {
  /** 'u' unsigned, 'i' signed, 'f' float, 'b' bool, ... (NumPy's kind letter). */
  kind: string;
  /** Bytes per element. */
  size: number;
  littleEndian: boolean;
  /** The header's descr, e.g. '<i8'. */
  descr: string;
}

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** The elements' bytes, C order. */
  data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAX_HEADER_CHARS = 65536;

/** The header dict's values: strings, True/False, tuples of integers. */
type HeaderValue = string | boolean | number[];

/** Parses the header's Python dict literal (only what NumPy writes). */
function parseHeaderDict(text: string): Map<string, HeaderValue> {
  let at = 0;
  const fail = (what: string): never => {
    throw new NpyFormatError(`bad header (${what} at character ${at}: ${JSON.stringify(text.slice(0, 120))})`);
  };
  const space = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const expect = (ch: string) => {
    space();
    if (text[at] !== ch) fail(`expected '${ch}'`);
    at++;
  };
  const string = (): string => {
    space();
    const quote = text[at];
    if (quote !== "'" && quote !== '"') fail('expected a string');
    const end = text.indexOf(quote, at + 1);
    if (end < 0) fail('unterminated string');
    const s = text.slice(at + 1, end);
    at = end + 1;
    return s;
  };
  const value = (): HeaderValue => {
    space();
    if (text.startsWith('True', at)) return (at += 4), true;
    if (text.startsWith('False', at)) return (at += 5), false;
    if (text[at] === "'" || text[at] === '"') return string();
    if (text[at] !== '(') fail('expected a value');
    at++;
    const items: number[] = [];
    for (;;) {
      space();
      if (text[at] === ')') break;
      const m = /^\d+/.exec(text.slice(at, at + 20));
      if (!m) fail('expected a dimension');
      items.push(Number(m![0]));
      at += m![0].length;
      space();
      if (text[at] === ',') at++;
      else if (text[at] !== ')') fail("expected ',' or ')'");
    }
    at++;
    return items;
  };
  const dict = new Map<string, HeaderValue>();
  expect('{');
  for (;;) {
    space();
    if (text[at] === '}') break;
    const key = string();
    expect(':');
    dict.set(key, value());
    space();
    if (text[at] === ',') at++;
    else if (text[at] !== '}') fail("expected ',' or '}'");
  }
  return dict;
}

function parseDtype(descr: string): NpyDtype {
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new NpyFormatError(`dtype ${JSON.stringify(descr)} is not a plain number type`);
  const size = Number(m[3]);
  // '|' (byte order not applicable) and '=' (native: every platform this runs on is little-endian).
  return { kind: m[2], size, littleEndian: m[1] !== '>', descr };
}

/** Parses one .npy file's bytes; `maxElements` caps the array's declared size. */
export function parseNpy(bytes: Uint8Array, maxBytes: number): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw new NpyFormatError('not a .npy array (no \\x93NUMPY magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw new NpyFormatError(`.npy format version ${major}.${bytes[7]}, this trainer reads 1 to 3`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_CHARS || start + headerLength > bytes.length) throw new NpyFormatError(`truncated or damaged header (${headerLength} bytes declared)`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const dict = parseHeaderDict(text);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') throw new NpyFormatError("header without a 'descr' string (a structured array?)");
  if (fortran !== false) throw new NpyFormatError(fortran === true ? 'fortran_order True: only C-order arrays are read (save it with np.ascontiguousarray)' : "header without 'fortran_order'");
  if (!Array.isArray(shape)) throw new NpyFormatError("header without a 'shape' tuple");
  const dtype = parseDtype(descr);
  let elements = 1;
  for (const d of shape) elements *= d;
  const size = elements * dtype.size;
  if (!Number.isSafeInteger(size) || size > maxBytes) throw new NpyFormatError(`shape (${shape.join(', ')}) of ${descr} is ${size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} this trainer reads`);
  const data = bytes.subarray(start + headerLength);
  if (data.length !== size) throw new NpyFormatError(`shape (${shape.join(', ')}) of ${descr} needs ${size.toLocaleString('en-US')} bytes of data, the file has ${data.length.toLocaleString('en-US')}`);
  return { dtype, shape, data };
}

/** Element i of an integer array as a number (int64 values beyond 2^53 are refused as such). */
export function integerReader(a: NpyArray): (i: number) => number {
  const { kind, size, littleEndian } = a.dtype;
  if ((kind !== 'u' && kind !== 'i') || ![1, 2, 4, 8].includes(size)) {
    throw new NpyFormatError(`dtype ${a.dtype.descr}: expected integers (uint8, int32, int64, ...)`);
  }
  const view = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const signed = kind === 'i';
  switch (size) {
    case 1:
      return signed ? (i) => view.getInt8(i) : (i) => a.data[i];
    case 2:
      return signed ? (i) => view.getInt16(i * 2, littleEndian) : (i) => view.getUint16(i * 2, littleEndian);
    case 4:
      return signed ? (i) => view.getInt32(i * 4, littleEndian) : (i) => view.getUint32(i * 4, littleEndian);
    default:
      return (i) => {
        const v = signed ? view.getBigInt64(i * 8, littleEndian) : view.getBigUint64(i * 8, littleEndian);
        return v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(v);
      };
  }
}
