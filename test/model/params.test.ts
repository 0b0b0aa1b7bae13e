import { describe, expect, it } from 'vitest';
import { FLAT, P2, C2, DROPOUT_RATES, shapeSize } from './seed-architecture.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

const LAYERS = DEFAULT_MODEL.layers.map((l) => ({ name: l.spec.name, type: l.spec.type, outputShape: l.outputShape, params: l.paramCount, rate: l.spec.type === 'Dropout' ? l.spec.options.rate : undefined }));
import { PARAMS, PARAM_ALIGN, PARAM_BUFFER_LENGTH, PARAM_COUNT, paramSpec, paramView } from './seed-params.ts';

describe('parameter table', () => {
  it('names, shapes and sizes', () => {
    expect(PARAMS.map((p) => [p.name, [...p.shape], p.size])).toEqual([
      ['conv2d/kernel', [3, 3, 1, 32], 288],
      ['conv2d/bias', [32], 32],
      ['conv2d_1/kernel', [3, 3, 32, 64], 18432],
      ['conv2d_1/bias', [64], 64],
      ['dense/kernel', [1600, 128], 204800],
      ['dense/bias', [128], 128],
      ['dense_1/kernel', [128, 10], 1280],
      ['dense_1/bias', [10], 10],
    ]);
    for (const p of PARAMS) expect(p.size).toBe(shapeSize(p.shape));
  });

  it('offsets are aligned, increasing, non-overlapping and inside the buffer', () => {
    let end = 0;
    for (const p of PARAMS) {
      expect(p.offset % PARAM_ALIGN).toBe(0);
      expect(p.offset).toBeGreaterThanOrEqual(end);
      expect(p.offset - end).toBeLessThan(PARAM_ALIGN);
      end = p.offset + p.size;
    }
    expect(end).toBeLessThanOrEqual(PARAM_BUFFER_LENGTH);
    expect(PARAM_BUFFER_LENGTH % PARAM_ALIGN).toBe(0);
    expect(PARAM_BUFFER_LENGTH - end).toBeLessThan(PARAM_ALIGN);
    expect(PARAMS.map((p) => p.offset)).toEqual([0, 288, 320, 18752, 18816, 223616, 223744, 225024]);
    expect(PARAM_BUFFER_LENGTH).toBe(225036);
  });

  it('totals 225,034 and matches the layer table', () => {
    expect(PARAM_COUNT).toBe(225034);
    expect(LAYERS.reduce((a, l) => a + l.params, 0)).toBe(225034);
    for (const l of LAYERS) {
      const own = PARAMS.filter((p) => p.name.startsWith(`${l.name}/`)).reduce((a, p) => a + p.size, 0);
      expect(own).toBe(l.params);
    }
  });

  it('layer list as Keras names it', () => {
    expect(LAYERS.map((l) => `${l.name}:${l.type}:${l.outputShape.join('x')}:${l.params}`)).toEqual([
      'conv2d:Conv2D:26x26x32:320',
      'max_pooling2d:MaxPooling2D:13x13x32:0',
      'dropout:Dropout:13x13x32:0',
      'conv2d_1:Conv2D:11x11x64:18496',
      'max_pooling2d_1:MaxPooling2D:5x5x64:0',
      'dropout_1:Dropout:5x5x64:0',
      'flatten:Flatten:1600:0',
      'dense:Dense:128:204928',
      'dropout_2:Dropout:128:0',
      'dense_1:Dense:10:1290',
    ]);
    expect(FLAT).toBe(P2 * P2 * C2);
    expect([...DROPOUT_RATES]).toEqual([0.25, 0.25, 0.5]);
    expect(LAYERS.filter((l) => l.type === 'Dropout').map((l) => l.rate)).toEqual([0.25, 0.25, 0.5]);
  });

  it('paramView is a view into the flat buffer', () => {
    for (const Ctor of [Float32Array, Float64Array]) {
      const flat = new Ctor(PARAM_BUFFER_LENGTH);
      const v = paramView(flat, 'dense/bias');
      expect(v.length).toBe(128);
      expect(v).toBeInstanceOf(Ctor);
      v[0] = 3;
      expect(flat[paramSpec('dense/bias').offset]).toBe(3);
    }
    expect(() => paramView(new Float32Array(PARAM_BUFFER_LENGTH), 'nope')).toThrow();
    expect(() => paramView(new Float32Array(10), 'dense/bias')).toThrow();
  });
});
