import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SGD_LEARNING_RATE, parseTrainArgs, USAGE, UsageError, type CliOptions } from '../../src/cli/options.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/train/types.ts';

function parse(...argv: string[]): CliOptions {
  const r = parseTrainArgs(argv);
  if (r.kind !== 'train') throw new Error('expected a train command');
  return r.options;
}

function usageError(...argv: string[]): string {
  try {
    parseTrainArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseTrainArgs', () => {
  it('defaults to DEFAULT_TRAIN_OPTIONS, out/, the automatic adapter', () => {
    expect(parse()).toEqual({ train: DEFAULT_TRAIN_OPTIONS, model: null, init: null, out: 'out', adapter: 'auto', node: false, resume: false, autotune: 'auto', testLimit: null, given: [] });
  });

  it('does not share the defaults object', () => {
    const o = parse();
    o.train.epochs = 99;
    expect(DEFAULT_TRAIN_OPTIONS.epochs).toBe(12);
  });

  it('reads every option, in both --name value and --name=value forms', () => {
    const o = parse(
      '--epochs', '3', '--batch-size=64', '--optimizer', 'sgd', '--lr', '0.05', '--momentum=0.8',
      '--dataset', 'fashion-mnist', '--dropout', '0.1,0.2,0.3', '--seed', '42', '--limit', '600', '--validation-split', '0.2',
      '--no-shuffle', '--init', 'prev/model.json', '--out', 'runs/a', '--adapter', 'gpu', '--node', '--test-limit', '1000', '--autotune', 'refresh',
    );
    expect(o).toEqual({
      train: {
        model: DEFAULT_TRAIN_OPTIONS.model,
        dataset: 'fashion-mnist',
        epochs: 3, batchSize: 64, optimizer: 'sgd', learningRate: 0.05, momentum: 0.8,
        dropout: [0.1, 0.2, 0.3], seed: 42, limit: 600, validationSplit: 0.2, shuffle: false,
      },
      model: null,
      init: 'prev/model.json',
      out: 'runs/a',
      adapter: 'gpu',
      node: true,
      resume: false,
      autotune: 'refresh',
      testLimit: 1000,
      given: ['dataset', 'epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'dropout', 'seed', 'limit', 'validationSplit', 'shuffle'],
    });
    expect(parse('--resume', '--out', 'runs/a').resume).toBe(true);
  });

  it('accepts the largest float32 learning rate (the NaN check catches what it does)', () => {
    expect(parse('--optimizer', 'sgd', '--lr', '1e30').train.learningRate).toBe(1e30);
    expect(parse('--lr', '3.4e38').train.learningRate).toBe(3.4e38);
  });

  it('reads each --adapter choice, case and spaces ignored', () => {
    expect(parse('--adapter', 'auto').adapter).toBe('auto');
    expect(parse('--adapter=GPU').adapter).toBe('gpu');
    expect(parse('--adapter', ' swiftshader ').adapter).toBe('swiftshader');
  });

  it('reads each --autotune mode, case and spaces ignored', () => {
    expect(parse('--autotune', 'on').autotune).toBe('on');
    expect(parse('--autotune=OFF').autotune).toBe('off');
    expect(parse('--autotune', ' refresh ').autotune).toBe('refresh');
    expect(parse('--autotune', 'auto').autotune).toBe('auto');
  });

  it('keeps one dropout value (for every Dropout layer) or a list (one per layer), checked against the model later', () => {
    expect(parse('--dropout', '0').train.dropout).toEqual([0]);
    expect(parse('--dropout=0.4').train.dropout).toEqual([0.4]);
    expect(parse('--dropout=0.1,0.2').train.dropout).toEqual([0.1, 0.2]);
    expect(parse('--model', 'lenet5').model).toBe('lenet5');
  });

  it("gives SGD its own default learning rate unless --lr is given", () => {
    expect(parse('--optimizer', 'sgd').train.learningRate).toBe(DEFAULT_SGD_LEARNING_RATE);
    expect(parse('--optimizer', 'SGD', '--lr', '1e-3').train.learningRate).toBe(0.001);
    expect(parse('--optimizer', 'adam').train.learningRate).toBe(0.001);
    expect(parse('--learning-rate', '0.002').train.learningRate).toBe(0.002);
  });

  it('lists the training options given (for --resume), not those implied', () => {
    expect(parse('--resume', '--out', 'x').given).toEqual([]);
    expect(parse('--optimizer', 'sgd', '--no-shuffle', '--epochs', '5', '--learning-rate', '0.1', '--dropout', '0.2').given).toEqual([
      'epochs',
      'optimizer',
      'learningRate',
      'dropout',
      'shuffle',
    ]);
    expect(parse('--optimizer', 'sgd').given).toEqual(['optimizer']); // its default learning rate is implied, not given
    expect(parse('--batch-size', '8', '--limit', '100', '--seed', '2', '--validation-split', '0', '--momentum', '0.5', '--dataset', 'fashion-mnist', '--shuffle').given).toEqual([
      'dataset',
      'batchSize',
      'momentum',
      'seed',
      'limit',
      'validationSplit',
      'shuffle',
    ]);
  });

  it("reads --dataset PATH as the user's own images, with --image-size, --color-mode and --test-split", () => {
    const o = parse('--dataset', 'some/pets', '--image-size', '32,24', '--color-mode', 'rgb', '--test-split', '0.3', '--limit', '100000', '--test-limit', '20000');
    expect(o.train.ownDataset).toEqual({ path: resolve('some/pets'), imageSize: [32, 24], colorMode: 'rgb', testSplit: 0.3 });
    expect([o.train.dataset, o.train.limit, o.testLimit]).toEqual(['mnist', 100000, 20000]);
    expect(o.given).toEqual(['dataset', 'ownDataset', 'limit']);
    expect(parse('--dataset', './pets').train.ownDataset).toMatchObject({ imageSize: null, colorMode: null, testSplit: 0.2 });
    expect(() => parse('--test-split', '0.3')).toThrow('--test-split applies to your own images (--dataset PATH), not to mnist');
    expect(() => parse('--dataset', 'fashion-mnist', '--image-size', '8,8')).toThrow('--image-size applies to your own images (--dataset PATH), not to fashion-mnist');
  });

  it('accepts --help and -h', () => {
    expect(parseTrainArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseTrainArgs(['--epochs', '2', '-h'])).toEqual({ kind: 'help' });
    for (const flag of ['--epochs', '--batch-size', '--optimizer', '--lr', '--momentum', '--dropout', '--seed', '--limit', '--validation-split', '--no-shuffle', '--init', '--out', '--adapter', '--autotune', '--node', '--help']) {
      expect(USAGE).toContain(flag);
    }
  });

  it.each([
    [['--epochs', 'abc'], '--epochs: expected a positive integer, got "abc"'],
    [['--epochs', '0'], '--epochs: expected a positive integer, got "0"'],
    [['--epochs', '1.5'], '--epochs: expected a positive integer, got "1.5"'],
    [['--batch-size', '-3'], '--batch-size: expected a value, got the option-like "-3" (write --batch-size=-3 if it is the value)'],
    [['--batch-size=-3'], '--batch-size: expected a positive integer, got "-3"'],
    [['--batch-size', '100000'], '--batch-size: must be at most 4,096, got 100000'],
    [['--optimizer', 'rmsprop'], '--optimizer: expected adam or sgd, got "rmsprop"'],
    [['--lr', 'fast'], '--lr: expected a number, got "fast"'],
    [['--lr', '0'], '--lr: expected a positive number, got 0'],
    [['--momentum', '1'], '--momentum: expected a value in [0, 1), got 1'],
    [['--dropout', '0.1,x,0.2'], '--dropout: expected a number, got "x"'],
    [['--dropout', '1'], '--dropout: expected a value in [0, 1), got 1'],
    [['--seed', '-1'], '--seed: expected a value, got the option-like "-1"'],
    [['--seed', '1.5'], '--seed: expected an integer from 0 to 4294967295, got "1.5"'],
    [['--limit', '70000'], '--limit: must be at most 60,000, got 70000'],
    [['--validation-split', '1'], '--validation-split: expected a value in [0, 1), got 1'],
    [['--limit', '1', '--validation-split', '0.5'], '--validation-split 0.5 leaves no training images out of 1'],
    [['--epochs'], '--epochs: expected a value'],
    [['--bogus'], 'unknown option --bogus'],
    [['--epoch', '3'], 'unknown option --epoch (did you mean --epochs?)'],
    [['--batchsize', '3'], 'unknown option --batchsize (did you mean --batch-size?)'],
    [['--no-shufle'], 'unknown option --no-shufle (did you mean --no-shuffle?)'],
    [['-x'], 'unknown option -x'],
    [['--gpu'], '--gpu was replaced by --adapter gpu'],
    [['--gpu=yes'], '--gpu was replaced by --adapter gpu'],
    [['--adapter', 'cpu'], '--adapter: expected auto, gpu or swiftshader, got "cpu"'],
    [['--adapter'], '--adapter: expected a value'],
    [['--adapter', 'swiftshadr'], '--adapter: expected auto, gpu or swiftshader, got "swiftshadr" (did you mean swiftshader?)'],
    [['--dataset', 'fashion'], '--dataset: expected mnist or fashion-mnist, got "fashion" (did you mean fashion-mnist?)'],
    [['--optimizer', 'adma'], '--optimizer: expected adam or sgd, got "adma" (did you mean adam?)'],
    [['--autotune', 'fast'], '--autotune: expected auto, on, off or refresh, got "fast"'],
    [['--autotune'], '--autotune: expected a value'],
    [['--node=yes'], '--node takes no value'],
    [['stray'], 'unexpected argument "stray": this command takes options only'],
    [['--init', ''], '--init: expected a path to a model.json'],
    [['--resume', '--init', 'a'], '--init cannot be given with it'],
    // Checked in float32, the GPU's precision: 1e39 is infinite there, 1e-46 is 0, 0.9999999999 is 1.
    [['--optimizer', 'sgd', '--lr', '1e39'], 'learningRate: expected a positive number that is finite and non-zero in float32'],
    [['--lr', '1e-46'], 'learningRate: expected a positive number that is finite and non-zero in float32'],
    [['--momentum', '0.9999999999'], 'momentum: expected 0 <= m < 1 (in float32)'],
    [['--dropout', '0.99999999999'], 'dropout: expected rates in [0, 1)'],
  ])('rejects %j', (argv, message) => {
    expect(usageError(...(argv as string[]))).toContain(message);
  });
});
