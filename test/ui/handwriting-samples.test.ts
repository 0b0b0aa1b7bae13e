// The handwriting samples' pure parts (src/ui/handwriting/): which samples are held back, the
// digit asked for next, the splits handed to the worker, and the stored record read back.
import { describe, expect, it } from 'vitest';
import { digitsShort, isHeldBack, nextOrdinal, promptDigit, samplesSplit, splitSamples, type HandwritingSample } from '../../src/ui/handwriting/samples.ts';
import { samplesOfStored, storedSamples, STORED_VERSION } from '../../src/ui/handwriting/sample-store.ts';
import { fineTuneProblem } from '../../src/ui/handwriting/fine-tune-job.ts';
import type { ModelInfo } from '../../src/model/model-info.ts';
import { countCorrect } from '../../src/ui/handwriting/fine-tune-scores.ts';

const SIZE = 28 * 28;

function sample(digit: number, ordinal: number, fill = digit * 10 + ordinal): HandwritingSample {
  return { id: `${digit}-${ordinal}`, digit, ordinal, image: new Uint8Array(SIZE).fill(fill) };
}

/** `n` samples of every digit, ordinals 1..n. */
function everyDigit(n: number): HandwritingSample[] {
  return Array.from({ length: 10 }, (_, d) => Array.from({ length: n }, (_, k) => sample(d, k + 1))).flat();
}

describe('held-back samples', () => {
  it('holds back exactly one of each group of four ordinals, always among its first three', () => {
    for (let d = 0; d < 10; d++) {
      for (let group = 0; group < 5; group++) {
        const held = [1, 2, 3, 4].filter((k) => isHeldBack(d, group * 4 + k));
        expect(held.length).toBe(1);
        expect(held[0]).toBeLessThanOrEqual(3);
      }
    }
  });

  it('places it by the seed, differently for different digits', () => {
    const places = (seed: number) => Array.from({ length: 10 }, (_, d) => [1, 2, 3].find((k) => isHeldBack(d, k, seed)));
    expect(new Set(places(0x5eed)).size).toBeGreaterThan(1);
    expect(places(1)).not.toEqual(places(2));
    expect(places(0x5eed)).toEqual(places(0x5eed));
  });

  it('splits three of each digit into 20 to train on and 10 held back, one per digit, and keeps a sample on its side when others are deleted', () => {
    const all = everyDigit(3);
    const { train, heldBack } = splitSamples(all);
    expect(train.length).toBe(20);
    expect(heldBack.map((s) => s.digit).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const removed = all.filter((s) => !(s.digit === 4 && !heldBack.includes(s) && s.ordinal === train.find((t) => t.digit === 4)!.ordinal));
    const again = splitSamples(removed);
    expect(again.heldBack).toEqual(heldBack);
  });

  it('gives a new sample the ordinal after its digit\'s largest, so a deleted middle one is not reused', () => {
    const s = [sample(3, 1), sample(3, 3), sample(5, 1)];
    expect(nextOrdinal(s, 3)).toBe(4);
    expect(nextOrdinal(s, 5)).toBe(2);
    expect(nextOrdinal(s, 0)).toBe(1);
  });
});

describe('what the panel asks for', () => {
  it('asks for the digit with the fewest samples, the lowest of equals, and names those short of three', () => {
    expect(promptDigit([])).toBe(0);
    const some = [sample(0, 1), sample(1, 1), sample(2, 1), sample(0, 2)];
    expect(promptDigit(some)).toBe(3);
    expect(digitsShort(everyDigit(3))).toEqual([]);
    expect(digitsShort([...everyDigit(2), sample(7, 3)])).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
  });

  it('stacks samples into a split of the model\'s channels, labels from their digits', () => {
    const split = samplesSplit([sample(2, 1, 7), sample(9, 1, 200)], 3);
    expect(split.count).toBe(2);
    expect(Array.from(split.labels)).toEqual([2, 9]);
    expect(split.images.length).toBe(2 * SIZE * 3);
    expect([split.images[0], split.images[SIZE * 3 - 1], split.images[SIZE * 3]]).toEqual([7, 7, 200]);
  });
});

describe('stored samples', () => {
  it('reads back what it wrote, as copies', () => {
    const all = everyDigit(2);
    const record = storedSamples(all);
    expect(record.version).toBe(STORED_VERSION);
    all[0].image[0] = 99; // the record holds its own bytes
    const back = samplesOfStored(structuredClone(record), SIZE);
    expect(back.map((s) => [s.id, s.digit, s.ordinal])).toEqual(all.map((s) => [s.id, s.digit, s.ordinal]));
    expect(back[0].image[0]).toBe(1);
    expect(back[5].image).toEqual(all[5].image);
  });

  it('leaves out malformed entries, repeated ids and records of another version', () => {
    const good = storedSamples([sample(1, 1), sample(2, 1)]);
    const bad = [
      { ...sample(3, 1), digit: 10 },
      { ...sample(3, 2), ordinal: 0 },
      { ...sample(3, 3), image: new Uint8Array(10) },
      { ...sample(3, 4), image: Array.from(new Uint8Array(SIZE)) },
      { ...sample(1, 1) },
      null,
      'x',
    ];
    expect(samplesOfStored({ ...good, samples: [...good.samples, ...bad] }, SIZE).map((s) => s.id)).toEqual(['1-1', '2-1']);
    expect(samplesOfStored({ ...good, version: 2 }, SIZE)).toEqual([]);
    expect(samplesOfStored(undefined, SIZE)).toEqual([]);
    expect(samplesOfStored({ version: 1, samples: 'no' }, SIZE)).toEqual([]);
  });
});

describe('fineTuneProblem', () => {
  const model = { inputShape: [28, 28, 1], inputSize: SIZE, classes: 10 } as unknown as ModelInfo;
  const split = (n: number) => samplesSplit(everyDigit(1).slice(0, n));
  const req = (train = split(3), heldBack = split(2)) => ({ type: 'fineTune' as const, train, heldBack, settings: {} as never });
  const mnist = { imageShape: [28, 28, 1] as const, classNames: [] };

  it('accepts a 28x28 digit model with samples of its size', () => {
    expect(fineTuneProblem(model, mnist, req())).toBeUndefined();
  });

  it('names what is wrong: no model, not 10 classes, not MNIST\'s input, samples of another size, none to train on', () => {
    expect(fineTuneProblem(undefined, mnist, req())).toMatch(/no model yet/);
    expect(fineTuneProblem({ ...model, classes: 26 }, mnist, req())).toMatch(/10 classes\); this one has 26/);
    expect(fineTuneProblem({ ...model, inputShape: [32, 32, 3], inputSize: 3072 }, mnist, req())).toMatch(/MNIST images \(28x28x1\); this model takes 32x32x3/);
    expect(fineTuneProblem(model, mnist, req(samplesSplit(everyDigit(1).slice(0, 2), 3)))).toMatch(/training samples are not 2 images of 28x28x1/);
    expect(fineTuneProblem(model, mnist, req(split(0)))).toMatch(/no samples to train on/);
  });
});

describe('countCorrect', () => {
  it('counts the images whose most probable class is their label, asking the model once; an empty split asks nothing', async () => {
    const split = samplesSplit([sample(1, 1), sample(2, 1), sample(3, 1)]);
    const calls: number[] = [];
    const predict = async (_images: Uint8Array, n: number) => {
      calls.push(n);
      const p = new Float32Array(n * 10);
      [1, 5, 3].forEach((c, i) => (p[i * 10 + c] = 0.9)); // the second read wrong
      return p;
    };
    expect(await countCorrect(predict, split, 10)).toEqual({ correct: 2, count: 3 });
    expect(calls).toEqual([3]);
    expect(await countCorrect(predict, samplesSplit([]), 10)).toEqual({ correct: 0, count: 0 });
    expect(calls).toEqual([3]);
  });
});
