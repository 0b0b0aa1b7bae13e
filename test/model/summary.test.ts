import { describe, expect, it } from 'vitest';
import { formatBytes, summary } from '../../src/model/summary.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

describe('summary()', () => {
  it('prints a Keras-style table', () => {
    const s = summary(DEFAULT_MODEL);
    console.log(s);
    expect(s.startsWith('Model: "sequential"')).toBe(true);
    expect(s).toContain('Layer (type)');
    expect(s).toContain('Output Shape');
    expect(s).toContain('Param #');
    const rows: [string, string, string][] = [
      ['conv2d (Conv2D)', '(None, 26, 26, 32)', '320'],
      ['max_pooling2d (MaxPooling2D)', '(None, 13, 13, 32)', '0'],
      ['dropout (Dropout)', '(None, 13, 13, 32)', '0'],
      ['conv2d_1 (Conv2D)', '(None, 11, 11, 64)', '18,496'],
      ['max_pooling2d_1 (MaxPooling2D)', '(None, 5, 5, 64)', '0'],
      ['dropout_1 (Dropout)', '(None, 5, 5, 64)', '0'],
      ['flatten (Flatten)', '(None, 1600)', '0'],
      ['dense (Dense)', '(None, 128)', '204,928'],
      ['dropout_2 (Dropout)', '(None, 128)', '0'],
      ['dense_1 (Dense)', '(None, 10)', '1,290'],
    ];
    const lines = s.split('\n');
    for (const [layer, shape, params] of rows) {
      const line = lines.find((l) => l.startsWith(`│ ${layer} `));
      expect(line, layer).toBeDefined();
      expect(line!.split('│').map((x) => x.trim()).filter(Boolean)).toEqual([layer, shape, params]);
    }
    expect(s).toContain('Total params: 225,034 (879.04 KB)');
    expect(s).toContain('Trainable params: 225,034 (879.04 KB)');
    expect(s).toContain('Non-trainable params: 0 (0.00 B)');
  });

  it('formats bytes like Keras', () => {
    expect(formatBytes(0)).toBe('0.00 B');
    expect(formatBytes(900136)).toBe('879.04 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MB');
  });
});
