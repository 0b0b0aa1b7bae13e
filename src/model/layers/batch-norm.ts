// BatchNormalization over the last axis: momentum, epsilon, center (beta), scale (gamma); the
// moving mean and variance are non-trainable weights the layer updates in training.
import { nulls, ONES, ZEROS, type LayerType } from './types.ts';

const INITIALIZERS = { beta_initializer: ZEROS, gamma_initializer: ONES, moving_mean_initializer: ZEROS, moving_variance_initializer: ONES };

export interface BatchNormOptions {
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
}

export const batchNormType: LayerType<BatchNormOptions> = {
  className: 'BatchNormalization',
  namePrefix: 'batch_normalization',
  parse(r) {
    r.neutral('axis', (v) => v === -1 || JSON.stringify(v) === '[-1]', 'only -1 (the channel axis)');
    r.neutral('renorm', (v) => v === false, 'only false');
    r.neutral('synchronized', (v) => v === false, 'only false');
    r.nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint');
    r.initializer('beta_initializer');
    r.initializer('gamma_initializer');
    r.initializer('moving_mean_initializer');
    r.initializer('moving_variance_initializer');
    return {
      momentum: r.number('momentum', 0, 1, 0.99, true),
      epsilon: r.number('epsilon', 1e-12, 1, 1e-3),
      center: r.bool('center', true),
      scale: r.bool('scale', true),
    };
  },
  outputShape: (input) => input,
  weights(input, o) {
    const c = [input[input.length - 1]];
    return [
      ...(o.scale ? [{ name: 'gamma', shape: c, trainable: true, init: 'ones' as const }] : []),
      ...(o.center ? [{ name: 'beta', shape: c, trainable: true, init: 'zeros' as const }] : []),
      { name: 'moving_mean', shape: c, trainable: false, init: 'zeros' },
      { name: 'moving_variance', shape: c, trainable: false, init: 'ones' },
    ];
  },
  serialize(o) {
    return { axis: -1, momentum: o.momentum, epsilon: o.epsilon, center: o.center, scale: o.scale };
  },
  tfjsExtras: { ...INITIALIZERS, ...nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint') },
  keras3Extras: {
    ...INITIALIZERS,
    ...nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'renorm_clipping'),
    synchronized: false,
    renorm: false,
    renorm_momentum: 0.99,
  },
  built: true,
};
