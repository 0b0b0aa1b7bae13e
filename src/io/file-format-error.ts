// The error every loader raises for a file whose content it refuses (truncated, damaged, of
// another kind, or built to exhaust memory or time): one line naming the file and what is wrong,
// however hostile the text quoted from the file. The loaders' own errors (KerasFileError,
// WeightsFormatError, MnistFormatError, CheckpointError) extend it, so a caller can recognize
// any refused file at once. Browser-safe.

/** Longest message kept; a longer one (quoting a huge name from the file, say) is cut. */
export const MAX_MESSAGE_CHARS = 1000;

export class FileFormatError extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'FileFormatError';
  }
}

// Line breaks, other control characters, bidirectional overrides and lone surrogates: anything
// that could break the line, move the cursor or reorder what a terminal shows.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` as one printable line: control characters escaped (\x0a), cut to `max` characters. */
export function oneLine(text: string, max: number = MAX_MESSAGE_CHARS): string {
  const safe = text.replace(UNSAFE, escape);
  return safe.length <= max ? safe : `${safe.slice(0, max - 1)}…`;
}

/** `problems` as one line: the first few joined by "; ", then how many more there are. */
export function problemList(problems: readonly string[], shown = 4): string {
  const head = problems.slice(0, shown).join('; ');
  return problems.length > shown ? `${head}; and ${problems.length - shown} more` : head;
}

/** Signatures of files a loader may be handed by mistake, for "not a JSON file (... a PNG image?)". */
const KNOWN_STARTS: readonly { bytes: readonly number[]; kind: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], kind: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], kind: 'a zip archive (such as a .keras file)' },
  { bytes: [0x1f, 0x8b], kind: 'gzip-compressed data' },
  { bytes: [0x89, 0x48, 0x44, 0x46], kind: 'an HDF5 file (Keras weights?)' },
  { bytes: [0x4d, 0x4e, 0x49, 0x53, 0x54, 0x43, 0x4b, 0x50], kind: 'a checkpoint.bin of this trainer' },
  { bytes: [0x00, 0x00, 0x08, 0x03], kind: 'an IDX image file' },
  { bytes: [0x00, 0x00, 0x08, 0x01], kind: 'an IDX label file' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], kind: 'an ELF executable' },
];

/** "starts with bytes 89 50 4e 47: a PNG image?": how a binary file begins, and what it may be. */
export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'is empty';
  const hex = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const known = KNOWN_STARTS.find((k) => k.bytes.length <= bytes.length && k.bytes.every((b, i) => bytes[i] === b));
  return `starts with bytes ${hex}${known ? `: ${known.kind}?` : ''}`;
}
