// The bench's options for interleaved rounds: peers, models, rounds, steps per round.
import { describe, expect, it } from 'vitest';
import { parseModels, parsePeers, roundsChoice } from '../../src/cli/bench-rounds-options.ts';
import { MNIST_PRESET_NAMES, PRESET_NAMES } from '../../src/model/presets.ts';

describe('bench rounds options', () => {
  it('defaults: both peers, the seed, 5 rounds of 8 steps', () => {
    expect(roundsChoice({ noPeers: false })).toEqual({ peers: ['webgpu', 'wasm'], models: ['mnist-cnn'], rounds: 5, stepsPerRound: 8 });
  });

  it('peers: a list, none, --no-peers; duplicates once; unknown names refused', () => {
    expect(parsePeers('wasm')).toEqual(['wasm']);
    expect(parsePeers('wasm, webgpu,wasm')).toEqual(['wasm', 'webgpu']);
    expect(parsePeers('none')).toEqual([]);
    expect(roundsChoice({ noPeers: true }).peers).toEqual([]);
    expect(() => parsePeers('cpu')).toThrow(/--peers: expected webgpu, wasm or none, got "cpu"/);
    expect(() => parsePeers('wasm,none')).toThrow(/got "none"/);
    expect(() => roundsChoice({ noPeers: true, peers: 'wasm' })).toThrow(/give one/);
  });

  it('models: all (the default first), a list, unknown names refused', () => {
    expect(parseModels('all')).toEqual(['mnist-cnn', 'lenet5', 'strided-bn']);
    expect(MNIST_PRESET_NAMES).toEqual(PRESET_NAMES.filter((n) => n !== 'small-color'));
    expect(parseModels('strided-bn,lenet5')).toEqual(['strided-bn', 'lenet5']);
    expect(() => parseModels('resnet')).toThrow(/--models: unknown preset "resnet"/);
    // The rounds train on MNIST: the 32x32 colour preset is not offered.
    expect(() => parseModels('small-color')).toThrow('--models: unknown preset "small-color" (choices: all, mnist-cnn, lenet5, strided-bn)');
  });

  it('rounds and steps: positive integers only', () => {
    expect(roundsChoice({ noPeers: false, rounds: '3', stepsPerRound: '1' })).toMatchObject({ rounds: 3, stepsPerRound: 1 });
    for (const bad of ['0', '-2', '1.5', 'five', '']) {
      expect(() => roundsChoice({ noPeers: false, rounds: bad })).toThrow(/--rounds: expected a positive integer/);
    }
    expect(() => roundsChoice({ noPeers: false, stepsPerRound: '0' })).toThrow(/--steps-per-round/);
  });
});
