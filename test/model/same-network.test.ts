// Whether --model is the network of an --init file: the same input, layer types and options;
// names, frozen layers and Dropout rates may differ.
import { describe, expect, it } from 'vitest';
import { networkDifference } from '../../src/model/same-network.ts';
import { parseModelConfig, withDropout, type ModelSpec } from '../../src/model/model-spec.ts';
import { presetSpec } from '../../src/model/presets.ts';

/** The spec with the layer at `index` changed by `change`. */
function changed(spec: ModelSpec, index: number, change: (l: ModelSpec['layers'][number]) => object): ModelSpec {
  return { ...spec, layers: spec.layers.map((l, i) => (i === index ? ({ ...l, ...change(l) } as typeof l) : l)) };
}

describe('networkDifference', () => {
  const cnn = presetSpec('mnist-cnn');

  it('is null for the same network with other names, frozen layers and Dropout rates', () => {
    expect(networkDifference(cnn, cnn)).toBeNull();
    const renamed = { ...cnn, name: 'other', layers: cnn.layers.map((l, i) => ({ ...l, name: `layer_${i}` })) };
    expect(networkDifference(renamed, cnn)).toBeNull();
    expect(networkDifference(changed(cnn, 0, () => ({ trainable: false })), cnn)).toBeNull();
    expect(networkDifference(withDropout(cnn, [0.1]), cnn)).toBeNull();
  });

  it('names the first layer whose type or options differ, the input and the layer count', () => {
    const dense = cnn.layers.findIndex((l) => l.type === 'Dense');
    const tanh = changed(cnn, dense, (l) => ({ options: { ...l.options, activation: 'tanh' } }));
    expect(networkDifference(tanh, cnn)).toBe(
      'layer 7 "dense" (Dense): options {"activation":"tanh","units":128,"useBias":true} against {"activation":"relu","units":128,"useBias":true}',
    );
    expect(networkDifference(presetSpec('strided-bn'), cnn)).toMatch(/^layer 0 "conv2d" \(Conv2D\): options /);
    expect(networkDifference(presetSpec('lenet5'), cnn)).toBe('8 layers against 10');
    const wide = parseModelConfig({ class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 32, 32, 1] } }, { class_name: 'Flatten', config: {} }, { class_name: 'Dense', config: { units: 10, activation: 'softmax' } }] } });
    expect(networkDifference(wide, cnn)).toBe('input (32, 32, 1) against (28, 28, 1)');
    expect(networkDifference(changed(cnn, 1, () => ({ type: 'AveragePooling2D' })), cnn)).toBe('layer 1 "max_pooling2d": AveragePooling2D against MaxPooling2D');
  });
});
