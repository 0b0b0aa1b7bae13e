// `npm run bench` options of the interleaved training rounds (bench/rounds.ts): which peers,
// which models, how many rounds of how many steps. Pure: a bad value throws UsageError.
import { DEFAULT_PRESET, MNIST_PRESET_NAMES, type PresetName } from '../model/presets.ts';
import type { TfjsBackend } from '../../bench/peers/tfjs-protocol.ts';
import { UsageError } from './cli-error.ts';
import { closestName, didYouMean } from './suggest.ts';

export const DEFAULT_ROUNDS = 5;
export const DEFAULT_STEPS_PER_ROUND = 8;
export const PEER_BACKENDS: readonly TfjsBackend[] = ['webgpu', 'wasm'];

export const ROUNDS_HELP = `  --peers LIST    TensorFlow.js peers timed against us: webgpu,wasm (default), wasm, webgpu or none
  --no-peers      the same as --peers none
  --models LIST   models trained in the rounds: all, or presets separated by commas
                  (${MNIST_PRESET_NAMES.join(', ')}; default ${DEFAULT_PRESET})
  --rounds N      interleaved rounds (ours, then each peer) per model (default ${DEFAULT_ROUNDS})
  --steps-per-round N
                  training steps timed per side and round (default ${DEFAULT_STEPS_PER_ROUND})
`;

export interface RoundsChoice {
  peers: TfjsBackend[];
  models: PresetName[];
  rounds: number;
  stepsPerRound: number;
}

/** webgpu,wasm | wasm | none ...: distinct backends in the order given. */
export function parsePeers(value: string): TfjsBackend[] {
  const items = value.split(',').map((s) => s.trim().toLowerCase());
  if (items.length === 1 && items[0] === 'none') return [];
  const out: TfjsBackend[] = [];
  for (const item of items) {
    if (!PEER_BACKENDS.includes(item as TfjsBackend)) throw new UsageError(`--peers: expected ${PEER_BACKENDS.join(', ')} or none, got "${item}"${didYouMean(item, [...PEER_BACKENDS, 'none'])}`);
    if (!out.includes(item as TfjsBackend)) out.push(item as TfjsBackend);
  }
  return out;
}

/** all | a,b,...: distinct preset names in the order given (all: every preset MNIST fits, the default first). */
export function parseModels(value: string): PresetName[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0].toLowerCase() === 'all') return [...MNIST_PRESET_NAMES];
  const out: PresetName[] = [];
  for (const item of items) {
    // The rounds train on MNIST: a preset of another input shape (small-color) is not offered.
    if (!(MNIST_PRESET_NAMES as string[]).includes(item)) {
      const near = closestName(item, MNIST_PRESET_NAMES);
      throw new UsageError(`--models: unknown preset "${item}" (${near ? `did you mean ${near}? ` : ''}choices: all, ${MNIST_PRESET_NAMES.join(', ')})`);
    }
    if (!out.includes(item as PresetName)) out.push(item as PresetName);
  }
  return out;
}

function positiveInteger(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option}: expected a positive integer, got "${value}"`);
  return n;
}

/** The rounds' choices from the raw option values (undefined: not given). */
export function roundsChoice(raw: { peers?: string; noPeers: boolean; models?: string; rounds?: string; stepsPerRound?: string }): RoundsChoice {
  if (raw.noPeers && raw.peers !== undefined) throw new UsageError('--no-peers and --peers: give one');
  return {
    peers: raw.noPeers ? [] : parsePeers(raw.peers ?? PEER_BACKENDS.join(',')),
    models: parseModels(raw.models ?? DEFAULT_PRESET),
    rounds: raw.rounds === undefined ? DEFAULT_ROUNDS : positiveInteger('--rounds', raw.rounds),
    stepsPerRound: raw.stepsPerRound === undefined ? DEFAULT_STEPS_PER_ROUND : positiveInteger('--steps-per-round', raw.stepsPerRound),
  };
}
