// A model fitted to a dataset it does not take: the chosen preset given the images' shape, one
// output unit per class and a Rescaling(1/255) first (none added where one is there, none for
// images already scaled); a config that cannot take the images falls back to a preset that can.
import { describe, expect, it } from 'vitest';
import { configProblem, editedConfig, presetConfig } from '../../src/ui/model-config.ts';
import { fittedConfig } from '../../src/ui/model-fit.ts';

const facts = (imageShape: [number, number, number], classes: number) => ({ imageShape, classNames: Array.from({ length: classes }, (_, i) => `c${i}`), trainCount: 10, testCount: 2 });
const types = (text: string) => (JSON.parse(text).config.layers as { class_name: string }[]).map((l) => l.class_name);

describe('fitting the model to the data', () => {
  it('gives the preset the images, the classes and a Rescaling first', () => {
    const colour = facts([12, 12, 3], 3);
    const before = presetConfig('mnist-cnn');
    expect(configProblem(before, colour)).toMatch(/the model's input is 28x28x1 \(height x width x channels\), the dataset's images are 12x12x3/);
    const fitted = fittedConfig(before, colour, true)!;
    expect(fitted.from).toBe('the mnist-cnn preset');
    expect(configProblem(fitted.config, colour)).toBe('');
    expect(fitted.config.model!.inputShape).toEqual([12, 12, 3]);
    expect(fitted.config.model!.classes).toBe(3);
    expect(types(fitted.config.text).slice(0, 3)).toEqual(['InputLayer', 'Rescaling', 'Conv2D']);
    expect(fitted.config.preset).toBe('custom');
    // Fitting again adds no second Rescaling; images already scaled get none.
    expect(types(fittedConfig(fitted.config, facts([12, 12, 3], 4), true)!.config.text).filter((t) => t === 'Rescaling')).toHaveLength(1);
    expect(types(fittedConfig(before, facts([28, 28, 1], 5), false)!.config.text)).not.toContain('Rescaling');
  });

  it("keeps the user's own config where it can take the images, else offers a preset that can", () => {
    const mine = editedConfig(JSON.stringify({ class_name: 'Sequential', config: { name: 'm', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 28, 28, 1] } }, { class_name: 'Conv2D', config: { name: 'conv', filters: 2, kernel_size: [5, 5] } }, { class_name: 'Flatten', config: { name: 'f' } }, { class_name: 'Dense', config: { name: 'd', units: 10, activation: 'softmax' } }] } }));
    expect(fittedConfig(mine, facts([8, 8, 3], 2), true)!.from).toBe('your config');
    const tooSmall = fittedConfig(mine, facts([3, 3, 1], 2), true);
    expect(tooSmall?.from).toMatch(/^the .+ preset$/);
    expect(configProblem(tooSmall!.config, facts([3, 3, 1], 2))).toBe('');
  });
});
