// JSON read from an untrusted file: refused before parsing when it is too long, not text (a PNG
// handed in as a model.json is named as such, its bytes are never printed) or nested too deep,
// and a syntax error is reported as one short line. Browser-safe.
import { describeStart, oneLine } from './file-format-error.ts';
import { formatCount, MAX_JSON_BYTES, MAX_JSON_DEPTH } from './load-limits.ts';

/** What is wrong with a JSON document; callers put the file's name in front. */
export class JsonContentError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'JsonContentError';
  }
}

/** Longest JSON.parse message quoted (it quotes the text around the error). */
const MAX_SYNTAX_MESSAGE_CHARS = 160;

/** A control character other than tab, line feed and carriage return: no JSON text has one. */
function firstControlByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return i;
  }
  return -1;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function textOf(bytes: Uint8Array): string {
  if (bytes.length > MAX_JSON_BYTES) {
    throw new JsonContentError(`${formatCount(bytes.length)} bytes, more than the ${formatCount(MAX_JSON_BYTES)} a JSON document may have here`);
  }
  if (firstControlByte(bytes) >= 0) throw new JsonContentError(`not a JSON file (${describeStart(bytes)})`);
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new JsonContentError(`not a JSON file (not UTF-8 text; ${describeStart(bytes)})`);
  }
}

/** Index of the first `[` or `{` nested deeper than `limit` (strings skipped), or -1. */
export function tooDeepAt(text: string, limit: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/**
 * Parses a JSON document given as bytes or text; throws JsonContentError (one line, no bytes of
 * the file but a short quote of a syntax error's surroundings) when it cannot be used.
 */
export function parseJsonContent(input: Uint8Array | string): unknown {
  let text: string;
  if (typeof input === 'string') {
    if (input.length > MAX_JSON_BYTES) {
      throw new JsonContentError(`${formatCount(input.length)} characters, more than the ${formatCount(MAX_JSON_BYTES)} a JSON document may have here`);
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(input)) throw new JsonContentError('not a JSON file (it holds control characters: binary data?)');
    text = input;
  } else text = textOf(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark
  const deep = tooDeepAt(text);
  if (deep >= 0) throw new JsonContentError(`JSON nested more than ${MAX_JSON_DEPTH} levels deep (at character ${formatCount(deep)})`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new JsonContentError(`not valid JSON (${oneLine(message, MAX_SYNTAX_MESSAGE_CHARS)})`);
  }
}
