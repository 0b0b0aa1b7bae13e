// The one-line ModelSpecError message a config raises when read and shaped (parseModelConfig,
// then modelInfo); a config that reads without one fails the test.
import { expect } from 'vitest';
import { parseModelConfig, ModelSpecError } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';

export function specErrorOf(json: unknown): string {
  try {
    modelInfo(parseModelConfig(json));
  } catch (e) {
    expect(e).toBeInstanceOf(ModelSpecError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelSpecError');
}
