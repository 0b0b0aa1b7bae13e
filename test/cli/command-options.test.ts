// The options of `npm run evaluate` and `npm run bench` (evaluate-options.ts, bench-options.ts)
// and the one line every CLI prints for an error (cli-error.ts): usage errors exit 2, name the
// option once and the closest known one, and carry none of Node's parseArgs hints.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../src/cli/bench-options.ts';
import { CliError, errorText, oneLine, UsageError } from '../../src/cli/cli-error.ts';
import { parseEvaluateArgs } from '../../src/cli/evaluate-options.ts';

function usageError(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    const message = (e as Error).message;
    expect(message).not.toMatch(/To specify|'--|"--[^"]*$/); // none of parseArgs's hints or its unbalanced quote
    return message;
  }
  throw new Error('expected a UsageError');
}

describe('parseEvaluateArgs', () => {
  it('reads the path and every option', () => {
    const noDataset = { builtin: null, path: null, given: null, imageSize: null, colorMode: null, testSplit: null };
    expect(parseEvaluateArgs(['m.keras'])).toEqual({ path: 'm.keras', dataset: noDataset, allowDatasetMismatch: false, json: false, jsonOut: null, testLimit: null, adapter: 'auto', node: false });
    expect(parseEvaluateArgs(['--json', 'dir', '--json-out', 't.json', '--test-limit', '500', '--adapter', 'swiftshader', '--node', '--dataset', 'Fashion-MNIST'])).toEqual({
      path: 'dir', dataset: { ...noDataset, builtin: 'fashion-mnist', given: 'Fashion-MNIST' }, allowDatasetMismatch: false, json: true, jsonOut: 't.json', testLimit: 500, adapter: 'swiftshader', node: true,
    });
    expect(parseEvaluateArgs(['m.keras', '--dataset', './pets', '--image-size', '32x24', '--color-mode', 'RGB', '--test-split', '0.25', '--allow-dataset-mismatch', '--test-limit', '20000'])).toMatchObject({
      dataset: { builtin: null, path: resolve('pets'), given: './pets', imageSize: [32, 24], colorMode: 'rgb', testSplit: 0.25 }, allowDatasetMismatch: true, testLimit: 20000,
    });
    expect(parseEvaluateArgs(['-h'])).toBe('help');
  });

  it.each([
    [['--jsn', 'm.keras'], 'unknown option --jsn (did you mean --json?)'],
    [['m.keras', '--test-limt', '5'], 'unknown option --test-limt (did you mean --test-limit?)'],
    [['m.keras', '--json-out'], '--json-out: expected a value'],
    [['m.keras', '--json=yes'], '--json takes no value'],
    [['m.keras', '--image-size', '32'], '--image-size: expected H,W or HxW (e.g. 28,28), each from 1 to 8192, got "32"'],
    [['m.keras', '--color-mode', 'cmyk'], '--color-mode: expected grayscale, rgb or rgba, got "cmyk"'],
    [['m.keras', '--test-split', '1'], '--test-split: expected a fraction between 0 and 1 (e.g. 0.2), got "1"'],
    [['m.keras', '--dataset', 'mnist', '--color-mode', 'rgb'], '--color-mode applies to your own images (--dataset PATH), not to mnist'],
    [['m.keras', '--dataset', 'mnst'], '--dataset: expected mnist or fashion-mnist, got "mnst" (did you mean mnist?)'],
    [[], 'expected the path of a model'],
    [['a', 'b'], 'expected one model path, got 2: a b'],
    [['m', '--adapter', 'gpuu'], '--adapter: expected auto, gpu or swiftshader, got "gpuu" (did you mean gpu?)'],
    [['m', '--test-limit', '1.5'], '--test-limit: expected an integer from 1 to 10,000, got "1.5"'],
    [['m', '--test-limit', '20000'], '--test-limit: expected an integer from 1 to 10,000'],
  ])('rejects %j', (argv, message) => {
    expect(usageError(() => parseEvaluateArgs(argv as string[]))).toContain(message);
  });
});

describe('parseBenchArgs', () => {
  it('defaults, and --json as the old spelling of --json-out', () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({ jsonOut: null, quick: false, autotune: 'off', adapter: 'auto', node: false, roundsAsked: false });
    expect(parseBenchArgs(['--json', 'b.json', '--quick'])).toMatchObject({ jsonOut: 'b.json', jsonOption: '--json', quick: true });
    expect(parseBenchArgs(['--json-out', 'b.json', '--peers', 'wasm'])).toMatchObject({ jsonOut: 'b.json', jsonOption: '--json-out', roundsAsked: true });
    expect(parseBenchArgs(['--help'])).toBe('help');
  });

  it.each([
    [['--quik'], 'unknown option --quik (did you mean --quick?)'],
    [['--json', 'a', '--json-out', 'b'], '--json and --json-out are the same option: give one'],
    [['--autotune', 'of'], '--autotune: expected auto, on, off or refresh, got "of" (did you mean off?)'],
    [['--models', 'lenet'], '--models: unknown preset "lenet" (did you mean lenet5? choices: all, mnist-cnn, lenet5, strided-bn)'],
    [['--peers', 'wasn'], '--peers: expected webgpu, wasm or none, got "wasn" (did you mean wasm?)'],
    [['--gpu'], '--gpu was replaced by --adapter gpu'],
    [['stray'], 'unexpected argument "stray"'],
  ])('rejects %j', (argv, message) => {
    expect(usageError(() => parseBenchArgs(argv as string[]))).toContain(message);
  });
});

describe('errorText', () => {
  it('a usage error: one line with the help of its command', () => {
    expect(errorText(new UsageError('--epochs: expected a value'), 'train')).toBe('error: --epochs: expected a value. Run `npm run train -- --help` for the options.\n');
    expect(errorText(new UsageError('unknown option --quik (did you mean --quick?)'), 'bench')).toBe(
      'error: unknown option --quik (did you mean --quick?). Run `npm run bench -- --help` for the options.\n',
    );
    expect(errorText(new CliError('--resume: nothing to resume', 2), 'train')).toMatch(/nothing to resume\. Run `npm run train -- --help`/);
  });

  it('another error: its message alone', () => {
    expect(errorText(new CliError('The GPU device was lost: x\nkept'), 'train')).toBe('error: The GPU device was lost: x\nkept\n');
  });

  it('oneLine joins a list of problems', () => {
    expect(oneLine('Invalid model (m.json), 2 problems:\n  - a: missing\n  - b: bad\n')).toBe('Invalid model (m.json), 2 problems: a: missing; b: bad');
    expect(oneLine('not valid JSON: Unexpected token "x\n" here')).toBe('not valid JSON: Unexpected token "x " here');
  });
});
