// The loaders' fuzz test harness: seeded mutations of real files, and a tally per format of
// what each case did (loaded, or refused with one FileFormatError line naming the file), how
// long it took and how much memory it added. Anything else is a finding, listed by case.
import { FileFormatError } from '../../src/io/file-format-error.ts';
import { Rng } from '../../src/model/rng.ts';

/** Longest a case may take (a refused HDF5 hang takes the reader's time limit, then a restart). */
export const CASE_TIME_LIMIT_MS = 8000;

export interface Tally {
  format: string;
  tried: number;
  refused: number;
  loaded: number;
  worstMs: number;
  /** Largest growth of the process's resident memory over one case, bytes. */
  worstRss: number;
  /** Largest growth of ArrayBuffer memory (file copies, inflated members) over one case, bytes. */
  worstBuffers: number;
  /** Cases that broke a rule: another error class, several lines, no file name, too slow. */
  findings: string[];
}

export function tally(format: string): Tally {
  return { format, tried: 0, refused: 0, loaded: 0, worstMs: 0, worstRss: 0, worstBuffers: 0, findings: [] };
}

export type Outcome = 'loaded' | 'refused' | 'finding';

export interface CaseResult {
  outcome: Outcome;
  ms: number;
  /** Growth of ArrayBuffer memory over the case, bytes. */
  buffers: number;
  /** The refusal's message ('' when loaded). */
  message: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a refusal breaks the rules (null when it is one clean line naming the file). */
function refusalProblem(e: unknown, fileName: string): string | null {
  if (!(e instanceof FileFormatError)) return `threw ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e)}`;
  if (CONTROL.test(e.message)) return `a message with control characters or several lines: ${JSON.stringify(e.message.slice(0, 200))}`;
  if (!e.message.includes(fileName)) return `a message not naming ${fileName}: ${e.message.slice(0, 200)}`;
  return null;
}

/**
 * Runs one case: `load` must load the file or throw a FileFormatError whose message is one line
 * naming `fileName`, within CASE_TIME_LIMIT_MS.
 */
export async function tryCase(t: Tally, label: string, fileName: string, load: () => unknown): Promise<CaseResult> {
  t.tried++;
  const before = process.memoryUsage();
  const start = performance.now();
  let outcome: Outcome;
  let message = '';
  try {
    await load();
    t.loaded++;
    outcome = 'loaded';
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
    const problem = refusalProblem(e, fileName);
    if (problem) {
      t.findings.push(`${label}: ${problem}`);
      outcome = 'finding';
    } else {
      t.refused++;
      outcome = 'refused';
    }
  }
  const ms = performance.now() - start;
  const after = process.memoryUsage();
  t.worstMs = Math.max(t.worstMs, ms);
  t.worstRss = Math.max(t.worstRss, after.rss - before.rss);
  t.worstBuffers = Math.max(t.worstBuffers, after.arrayBuffers - before.arrayBuffers);
  if (ms > CASE_TIME_LIMIT_MS) {
    t.findings.push(`${label}: took ${ms.toFixed(0)} ms`);
    outcome = 'finding';
  }
  return { outcome, ms, buffers: after.arrayBuffers - before.arrayBuffers, message };
}

const MB = 1024 * 1024;

/** The tallies as a Markdown table (for the README). */
export function summaryTable(tallies: readonly Tally[]): string {
  const rows = tallies.map(
    (t) =>
      `| ${t.format} | ${t.tried} | ${t.refused} | ${t.loaded} | ${t.findings.length} | ${(t.worstMs / 1000).toFixed(2)} s | ${(t.worstRss / MB).toFixed(0)} MB | ${(t.worstBuffers / MB).toFixed(0)} MB |`,
  );
  return [
    '| format | cases | refused (one line) | loaded | other outcome | worst time | worst RSS growth | worst ArrayBuffer growth |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Mutations

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextInt(items.length)];
}

/** A copy with `count` bytes in [from, to) set to random values. */
export function flipped(bytes: Uint8Array, rng: Rng, count: number, from = 0, to = bytes.length): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < count; i++) out[from + rng.nextInt(Math.max(1, Math.min(to, out.length) - from))] = rng.nextInt(256);
  return out;
}

/** The first `length` bytes (a copy). */
export function cut(bytes: Uint8Array, length: number): Uint8Array {
  return bytes.slice(0, Math.max(0, Math.min(length, bytes.length)));
}

/** A copy with a 16- or 32-bit field set. */
export function withField(bytes: Uint8Array, at: number, value: number, size: 2 | 4, littleEndian: boolean): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (size === 2) view.setUint16(at, value, littleEndian);
  else view.setUint32(at, value, littleEndian);
  return out;
}

/** Numbers a header or a config may be edited to: zero, negative, fractional, huge, past 32 and 53 bits. */
export const HOSTILE_NUMBERS = [0, -1, 1.5, 7, 65535, 2 ** 31, 2 ** 32, 1e12, 2 ** 53 + 2, 1e308] as const;

const TEXT = new TextEncoder();
const UNTEXT = new TextDecoder();

/**
 * A random edit of a JSON document's text: a number or a string made hostile, characters removed
 * or inserted, the text cut, wrapped in deep nesting, or bytes flipped. Returns the bytes and
 * what was done.
 */
export function editedJson(text: string, rng: Rng): { bytes: Uint8Array; what: string } {
  const kind = rng.nextInt(7);
  if (kind === 0) {
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
    if (numbers.length) {
      const m = pick(rng, numbers);
      const value = pick(rng, HOSTILE_NUMBERS);
      return { bytes: TEXT.encode(text.slice(0, m.index) + String(value) + text.slice(m.index! + m[0].length)), what: `number ${m[0]} -> ${value}` };
    }
  }
  if (kind === 1) {
    const strings = [...text.matchAll(/"(?:[^"\\]|\\.)*"/g)];
    if (strings.length) {
      const m = pick(rng, strings);
      const value = pick(rng, ['""', '"x"', 'null', '{}', '[]', '"\\u0000\\n"', '"\\ud800"', '1', `"${'a'.repeat(100_000)}"`]);
      return { bytes: TEXT.encode(text.slice(0, m.index) + value + text.slice(m.index! + m[0].length)), what: `string ${m[0].slice(0, 30)} -> ${value.slice(0, 12)}` };
    }
  }
  if (kind === 2) {
    const at = rng.nextInt(text.length);
    const n = 1 + rng.nextInt(20);
    return { bytes: TEXT.encode(text.slice(0, at) + text.slice(at + n)), what: `${n} characters removed at ${at}` };
  }
  if (kind === 3) {
    const at = rng.nextInt(text.length);
    const c = pick(rng, ['{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', 'x', '0']);
    return { bytes: TEXT.encode(text.slice(0, at) + c + text.slice(at)), what: `${JSON.stringify(c)} inserted at ${at}` };
  }
  if (kind === 4) {
    const at = rng.nextInt(text.length);
    return { bytes: TEXT.encode(text.slice(0, at)), what: `cut at ${at}` };
  }
  if (kind === 5) {
    const depth = pick(rng, [10, 70, 100_000]);
    return { bytes: TEXT.encode('['.repeat(depth) + text + ']'.repeat(depth)), what: `nested ${depth} deep` };
  }
  const bytes = TEXT.encode(text);
  return { bytes: flipped(bytes, rng, 1 + rng.nextInt(4)), what: 'bytes flipped' };
}

export function textOf(bytes: Uint8Array): string {
  return UNTEXT.decode(bytes);
}

export { Rng };
