// "Did you mean ...?": edit distance and the closest known name.
import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../../src/cli/suggest.ts';
import { PRESET_NAMES } from '../../src/model/presets.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['lenet', 'lenet5', 1],
    ['kitten', 'sitting', 3],
    ['epcohs', 'epochs', 1], // a swap of neighbours is one edit
    ['abc', '', 3],
  ])('%s -> %s: %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestName', () => {
  it('names the preset meant by a near miss or a prefix', () => {
    expect(closestName('lenet', PRESET_NAMES)).toBe('lenet5');
    expect(closestName('LeNet5', PRESET_NAMES)).toBe('lenet5');
    expect(closestName('mnist', PRESET_NAMES)).toBe('mnist-cnn');
    expect(closestName('strided_bn', PRESET_NAMES)).toBe('strided-bn');
    expect(closestName('mnistcnn', PRESET_NAMES)).toBe('mnist-cnn');
  });

  it('names nothing when nothing is near', () => {
    expect(closestName('resnet50', PRESET_NAMES)).toBeNull();
    expect(closestName('', PRESET_NAMES)).toBeNull();
    expect(closestName('x', ['--epochs', '--seed'])).toBeNull();
  });

  it('didYouMean: the phrase, or nothing', () => {
    expect(didYouMean('--epoch', ['--epochs', '--seed'])).toBe(' (did you mean --epochs?)');
    expect(didYouMean('--colour', ['--epochs', '--seed'])).toBe('');
  });
});
