// Command-line options of `npm run bench`: parsing and validation (pure: no I/O, no exit);
// every problem is a UsageError (exit code 2).
import { ADAPTER_CHOICES, GPU_FLAG_REPLACED, hasGpuFlag, parseAdapterChoice, type AdapterChoice } from './adapter-choice.ts';
import { ROUNDS_HELP, roundsChoice, type RoundsChoice } from './bench-rounds-options.ts';
import { UsageError } from './cli-error.ts';
import { choiceError, parseCommandLine } from './command-line.ts';
import { AUTOTUNE_MODES, parseAutotuneMode, type AutotuneMode } from '../tune/mode.ts';

export const BENCH_HELP = `Usage: npm run bench -- [options]

  --json-out FILE also write the results as JSON to FILE (--json FILE is the same)
  --quick         smoke run: few repetitions, no rounds unless one of the options below is given
  --autotune M    off (default), auto (on a hardware adapter only), on or refresh: also tune the
                  seed's kernels (nothing cached) and time the training step with the tuned ones
${ROUNDS_HELP}  --adapter A     auto (default: the GPU where there is one, else SwiftShader with a notice),
                  gpu (the GPU or an error) or swiftshader (software WebGPU)
  --node          run our side in Node through the webgpu package (Dawn on Vulkan) instead of
                  headless Chromium; the rounds and peers (browser only) are skipped
  -h, --help      this text
`;

export interface BenchOptions {
  /** --json-out (or --json): the file the results are written to as JSON. */
  jsonOut: string | null;
  /** How the command line named it. */
  jsonOption: '--json-out' | '--json';
  quick: boolean;
  autotune: AutotuneMode;
  adapter: AdapterChoice;
  node: boolean;
  rounds: RoundsChoice;
  /** Whether a rounds option was given (--quick runs the rounds only then). */
  roundsAsked: boolean;
}

/** Parses `argv` (without node and the script): the options, 'help', or a UsageError naming the option. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  if (hasGpuFlag(argv)) throw new UsageError(GPU_FLAG_REPLACED);
  const args = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    options: {
      'json-out': { type: 'string' },
      json: { type: 'string' },
      quick: { type: 'boolean', default: false },
      autotune: { type: 'string', default: 'off' },
      peers: { type: 'string' },
      'no-peers': { type: 'boolean', default: false },
      models: { type: 'string' },
      rounds: { type: 'string' },
      'steps-per-round': { type: 'string' },
      adapter: { type: 'string', default: 'auto' },
      node: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
  if (args.help) return 'help';
  if (args.json !== undefined && args['json-out'] !== undefined) throw new UsageError('--json and --json-out are the same option: give one');
  const adapter = parseAdapterChoice(args.adapter);
  if (adapter === null) throw choiceError('--adapter', args.adapter, ADAPTER_CHOICES);
  const autotune = parseAutotuneMode(args.autotune);
  if (autotune === null) throw choiceError('--autotune', args.autotune, AUTOTUNE_MODES);
  const rounds = roundsChoice({ peers: args.peers, noPeers: args['no-peers'], models: args.models, rounds: args.rounds, stepsPerRound: args['steps-per-round'] });
  const roundsAsked = [args.peers, args.models, args.rounds, args['steps-per-round']].some((v) => v !== undefined) || args['no-peers'];
  return { jsonOut: args['json-out'] ?? args.json ?? null, jsonOption: args.json !== undefined ? '--json' : '--json-out', quick: args.quick, autotune, adapter, node: args.node, rounds, roundsAsked };
}
