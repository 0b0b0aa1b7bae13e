// Node-only: the frame of `npm run evaluate` and `npm run predict`: the command line parsed,
// --help printed, a --node run re-run with the Vulkan environment it needs, the work done, and
// every failure one message on stderr with the exit code (2 for a usage error, with the
// pointer to the help; a CliError's own; 1 with the stack for anything unexpected).
import type { AdapterChoice } from './adapter-choice.ts';
import { CliError, errorText, type CliCommand } from './cli-error.ts';
import { rerunWithVulkanEnv } from './vulkan-env.ts';

export interface Command<O> {
  name: CliCommand;
  usage: string;
  parse(argv: string[]): O | 'help';
  run(options: O): Promise<void>;
}

/** Runs `command` on `argv` (without node and the script); resolves with the exit code. */
export async function commandMain<O extends { node: boolean; adapter: AdapterChoice }>(command: Command<O>, argv: string[]): Promise<number> {
  try {
    const o = command.parse(argv);
    if (o === 'help') {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    if (o.node) {
      const rerun = await rerunWithVulkanEnv(o.adapter);
      if (rerun !== null) return rerun;
    }
    await command.run(o);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(errorText(e, command.name));
      return e.exitCode;
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
