// The fusions a plan tries before building layers one by one (see src/layers/segments.ts).
// Each is declared by the layers it joins and builds them with the kernels of their homes.
import type { LayerInfo } from '../model/model-info.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import type { Fusion, Segment, SegmentIo } from './segment-types.ts';
import { createConv2d } from './conv2d.ts';
import { createPoolDropout } from './pool-dropout.ts';
import { createDense } from './dense.ts';
import { createDropoutRelu } from './dropout-relu.ts';
import { isFastConv, convConfig, denseConfig } from './single-layers.ts';
import type { GpuContext } from './types.ts';

/** MaxPooling2D 2x2, stride 2, 'valid' (floor): what the pool-dropout kernels compute. */
export function isFloorPool2x2(l: LayerInfo | undefined): boolean {
  if (l?.spec.type !== 'MaxPooling2D') return false;
  const o = l.spec.options;
  return o.padding === 'valid' && o.poolSize.join() === '2,2' && o.strides.join() === '2,2';
}

const convPoolDropout: Fusion = {
  name: 'conv-pool-dropout',
  match(layers, start, pc) {
    const [conv, pool, drop] = [layers[start], layers[start + 1], layers[start + 2]];
    if (!isFastConv(conv) || !isFloorPool2x2(pool)) return undefined;
    const dropout = drop?.spec.type === 'Dropout' ? drop : undefined;
    const rate = pc.training && dropout?.spec.type === 'Dropout' ? dropout.spec.options.rate : 0;
    const layerId = dropout ? pc.dropoutId(dropout) : 0;
    const group = dropout ? [conv, pool, dropout] : [conv, pool];
    const [ho, wo, channels] = conv.outputShape;
    const segment: Segment = {
      layers: group,
      identity: false,
      build(ctx: GpuContext, io: SegmentIo) {
        const { batch } = io;
        const owned: GPUBuffer[] = [];
        const scratch = (label: string) => {
          const b = createStorageBuffer(ctx.device, batch * ho * wo * channels * 4, `${label} B=${batch}`);
          owned.push(b);
          return b;
        };
        const base = convConfig(conv, batch, !pc.training);
        const poolConfig = { name: pool.spec.name, batch, height: ho, width: wo, channels, rate, layerId };
        const destroyAll = (plans: { destroy(): void }[]) => () => {
          for (const p of plans) p.destroy();
          for (const b of owned) b.destroy();
        };
        if (!pc.training && base.inChannels === 1) {
          // conv + bias + ReLU + pool in one kernel: the conv output is never stored.
          const c = createConv2d(ctx, base, { input: io.input, pooledOutput: io.output, params: io.params, batchSize: io.batchSize }, { kernels: pc.kernels });
          return { parts: [{ name: conv.spec.name, forward: c.inference, backward: [] }], destroy: destroyAll([c]) };
        }
        const convOut = scratch(`${conv.spec.name} output`); // (B, Ho, Wo, C) post-ReLU
        // The floor pool reads rows and columns 0 .. 2*floor(Ho/2)-1: the conv computes only
        // those (the rest of convOut is never read), and its backward skips them.
        const used = { usedOutputHeight: 2 * Math.floor(ho / 2), usedOutputWidth: 2 * Math.floor(wo / 2) };
        if (!pc.training) {
          const c = createConv2d(ctx, { ...base, ...used }, { input: io.input, output: convOut, params: io.params, batchSize: io.batchSize }, { kernels: pc.kernels });
          const p = createPoolDropout(ctx, { ...poolConfig, rate: 0, inferenceOnly: true }, { input: convOut, output: io.output, batchSize: io.batchSize });
          return {
            parts: [
              { name: conv.spec.name, forward: c.inference, backward: [] },
              { name: pool.spec.name, forward: p.inference, backward: [] },
            ],
            destroy: destroyAll([c, p]),
          };
        }
        const convGrad = scratch(`${conv.spec.name} grad`); // (B, Ho, Wo, C) dL/d conv pre-activation
        const c = createConv2d(
          ctx,
          { ...base, outputGradMasked: true, ...used },
          { input: io.input, output: convOut, params: io.params, grads: io.grads, outputGrad: convGrad, inputGrad: io.inputGrad, batchSize: io.batchSize },
          { kernels: pc.kernels },
        );
        const p = createPoolDropout(ctx, poolConfig, {
          input: convOut, output: io.output, outputGrad: io.outputGrad, inputGrad: convGrad, state: io.state, batchSize: io.batchSize,
        });
        return {
          parts: [
            { name: conv.spec.name, forward: c.forward, backward: c.backward },
            { name: pool.spec.name, forward: p.forward, backward: p.backward },
          ],
          inner: [{ layer: conv.spec.name, activation: convOut, gradient: convGrad }],
          destroy: destroyAll([c, p]),
        };
      },
    };
    return segment;
  },
};

const denseReluDropout: Fusion = {
  name: 'dense-relu-dropout',
  match(layers, start, pc) {
    const [dense, drop] = [layers[start], layers[start + 1]];
    if (!pc.training || dense?.spec.type !== 'Dense' || drop?.spec.type !== 'Dropout') return undefined;
    if (dense.spec.options.activation !== 'relu' || !dense.spec.options.useBias || drop.spec.options.rate === 0) return undefined;
    if (dense.spec.options.units % 4 !== 0) return undefined; // the fused backward works on vec4s
    const rate = drop.spec.options.rate;
    const units = dense.spec.options.units;
    return {
      layers: [dense, drop],
      identity: false,
      build(ctx, io) {
        const { batch } = io;
        const h = createStorageBuffer(ctx.device, batch * units * 4, `${dense.spec.name} output B=${batch}`); // (B, units) post-ReLU
        const dH = createStorageBuffer(ctx.device, batch * units * 4, `${dense.spec.name} grad B=${batch}`); // (B, units) dL/d pre-activation
        const d = createDense(ctx, { ...denseConfig(dense, batch, false), outputGradMasked: true }, {
          input: io.input, output: h, params: io.params, grads: io.grads, outputGrad: dH, inputGrad: io.inputGrad, batchSize: io.batchSize,
        }, { kernels: pc.kernels });
        const r = createDropoutRelu(ctx, { name: drop.spec.name, batch, count: units, rate, layerId: pc.dropoutId(drop) }, {
          input: h, output: io.output, outputGrad: io.outputGrad!, inputGrad: dH, state: io.state, batchSize: io.batchSize,
        });
        return {
          parts: [
            { name: dense.spec.name, forward: d.forward, backward: d.backward },
            { name: drop.spec.name, forward: r.forward, backward: r.backward },
          ],
          inner: [{ layer: dense.spec.name, activation: h, gradient: dH }],
          destroy() {
            d.destroy();
            r.destroy();
            h.destroy();
            dH.destroy();
          },
        };
      },
    };
  },
};

export const FUSIONS: readonly Fusion[] = [convPoolDropout, denseReluDropout];
