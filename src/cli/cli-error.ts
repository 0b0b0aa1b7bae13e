// An error the CLI reports as one clear message (no stack) and exits with `exitCode`.
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
