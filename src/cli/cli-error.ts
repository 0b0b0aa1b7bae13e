// The errors the CLIs (train, evaluate, predict, bench) report as one clear message (no stack) and the
// one line each prints for them: a usage error (exit code 2: a bad option, value or input
// file) ends by pointing at the command's help.

/** An error the CLI reports as one clear message (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The name of the error behind it (e.g. DeviceLostError, NonFiniteError), when known. */
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A bad command line or input named on it: the CLI prints the message and exits with code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** The exit code of a usage error. */
export const USAGE_EXIT_CODE = 2;

/** The CLIs whose errors speak with this voice. */
export type CliCommand = 'train' | 'evaluate' | 'predict' | 'bench';

/** Where the options of `command` are listed. */
export function helpHint(command: CliCommand): string {
  return `Run \`npm run ${command} -- --help\` for the options.`;
}

/**
 * `message` on one line: a list of problems ("N problems:\n  - a\n  - b") becomes "N problems:
 * a; b", any other line break a space.
 */
export function oneLine(message: string): string {
  return message
    .trim()
    .replace(/:\s*\n\s*-\s+/, ': ')
    .replace(/\s*\n\s*-\s+/g, '; ')
    .replace(/\s*\n\s*/g, ' ');
}

/**
 * What the CLI prints to stderr for `e`: "error: MESSAGE", and for a usage error (exit code 2)
 * one line ending with the pointer to the help.
 */
export function errorText(e: CliError, command: CliCommand): string {
  if (e.exitCode !== USAGE_EXIT_CODE) return `error: ${e.message}\n`;
  const message = oneLine(e.message);
  const stop = /[.?!]$/.test(message) ? '' : '.';
  return `error: ${message}${stop} ${helpHint(command)}\n`;
}
