// Node's parseArgs with the CLIs' own usage errors: an unknown option names the closest known
// one, a missing or unwanted value names the option, and none of Node's hints (with their
// quoting) reach the user. Every failure is a UsageError (exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.ts';
import { didYouMean } from './suggest.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Every spelling of the options: --name, and -x for those with a short form. */
export function optionSpellings(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** The option parseArgs's message names in quotes ('--epochs <value>' gives --epochs). */
function quotedOption(message: string): string | null {
  return /'(-[^'\s]*)/.exec(message)?.[1] ?? null;
}

/** The usage error of one parseArgs failure on `args`. */
export function usageErrorOf(e: unknown, options: Options, args: readonly string[]): UsageError {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const option = quotedOption(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    return new UsageError(`unknown option ${option}${didYouMean(option, optionSpellings(options))}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/does not take an argument/.test(message)) return new UsageError(`${option} takes no value`);
    const next = args[args.indexOf(option) + 1];
    if (/ambiguous/.test(message) && next !== undefined) {
      return new UsageError(`${option}: expected a value, got the option-like "${next}" (write ${option}=${next} if it is the value)`);
    }
    return new UsageError(`${option}: expected a value`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(message)?.[1] ?? '';
    return new UsageError(`unexpected argument "${argument}": this command takes options only`);
  }
  return new UsageError(message.split('\n')[0].replace(/\. To specify .*$/, ''));
}

/** parseArgs (strict) whose failures are UsageErrors in the CLIs' voice. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config });
  } catch (e) {
    throw usageErrorOf(e, config.options ?? {}, config.args ?? []);
  }
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The usage error of a value outside a fixed set: the choices, and the closest one. */
export function choiceError(option: string, raw: string, choices: readonly string[]): UsageError {
  return new UsageError(`${option}: expected ${orList(choices)}, got "${raw}"${didYouMean(raw, choices)}`);
}
