// Browser side of the TensorFlow.js peer benchmark: the Keras MNIST CNN in tfjs-layers,
// trained with trainOnBatch on real MNIST batches, on the webgpu or the wasm backend.
// run-tfjs.ts loads tfjs-page.html and calls window.__tfjsPeer.run(request).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fetchMnist, type Mnist } from '../../src/data/mnist.ts';
import {
  EXPECTED_PARAMS,
  PAGE_API_GLOBAL,
  type AdapterSummary,
  type TfjsPeerPageApi,
  type TfjsPeerRequest,
  type TfjsPeerResult,
} from './tfjs-protocol.ts';

const PIXELS = 28 * 28;
const CLASSES = 10;

/** The Keras reference model (DESIGN.md), Keras defaults: glorot_uniform kernels, zero biases. */
function buildModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.dropout({ rate: 0.25 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.dropout({ rate: 0.25 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
  const params = model.countParams();
  if (params !== EXPECTED_PARAMS) throw new Error(`tfjs model has ${params} parameters, expected ${EXPECTED_PARAMS}`);
  return model;
}

/** Images [start, start+count) of a split as a (count,28,28,1) float tensor in [0,1] and one-hot labels. */
function batchTensors(images: Uint8Array, labels: Uint8Array, start: number, count: number): [tf.Tensor4D, tf.Tensor2D] {
  const x = new Float32Array(count * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = images[start * PIXELS + i] / 255;
  const y = new Float32Array(count * CLASSES);
  for (let i = 0; i < count; i++) y[i * CLASSES + labels[start + i]] = 1;
  return [tf.tensor4d(x, [count, 28, 28, 1]), tf.tensor2d(y, [count, CLASSES])];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function adapterInfo(): Promise<AdapterSummary | null> {
  if (!('gpu' in navigator) || !navigator.gpu) return null;
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    fallback: info.isFallbackAdapter ?? legacy ?? null,
  };
}

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (Conv2D's weight gradient), so
 * training a conv net on it fails with "Kernel 'Conv2DBackpropFilter' not registered". Fill the
 * gap with the backend's own kernels so the work stays in wasm (XNNPACK, SIMD):
 * dW[i,j,c,o] = sum_{n,y,x} x[n,y+i,x+j,c] * dy[n,y,x,o] is itself a valid stride-1 convolution
 * of x viewed as (C, H, W, N) with dy viewed as an (OH, OW, N, O) filter, giving (C, KH, KW, O):
 * three Transposes and one Conv2D. (The backend's native Conv3DBackpropFilterV2 on a depth-1
 * view also works for stride 1, but is a plain loop: 890 ms against 30 ms for this one on the
 * second conv layer's shapes, and it is wrong for strides > 1 in 4.22.) Only stride 1 is needed:
 * every convolution of the Keras model is 3x3, stride 1, valid.
 */
function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const kernel = (name: string): tf.KernelFunc => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`tfjs-backend-wasm has no ${name} kernel`);
    return k.kernelFunc;
  };
  const conv2d = kernel('Conv2D');
  const transpose = kernel('Transpose');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
        dataFormat: string;
        dimRoundingMode?: string;
      };
      const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
      if (dataFormat !== 'NHWC' || pad !== 'valid' || dimRoundingMode || sh !== 1 || sw !== 1) {
        throw new Error(
          `Conv2DBackpropFilter shim: only NHWC, valid padding, stride 1 (got ${dataFormat}, ${pad}, ${sh}x${sw})`,
        );
      }
      const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }) as tf.TensorInfo; // (C,H,W,N)
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }) as tf.TensorInfo; // (OH,OW,N,O)
      const out = conv2d({
        inputs: { x: xT, filter: dyT },
        backend,
        attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
      }) as tf.TensorInfo; // (C,KH,KW,O)
      const dw = transpose({ inputs: { x: out }, backend, attrs: { perm: [1, 2, 0, 3] } }) as tf.TensorInfo; // (KH,KW,C,O)
      for (const t of [xT, dyT, out]) (backend as tf.KernelBackend).disposeData(t.dataId);
      return dw;
    },
  });
}

/** Largest |error| of the wasm Conv2DBackpropFilter shim against a plain JS loop, on a small case. */
async function checkWasmConv2DBackpropFilter(): Promise<number> {
  const [n, h, w, ci, co, k, s] = [3, 9, 8, 5, 6, 3, 1];
  const oh = Math.floor((h - k) / s) + 1;
  const ow = Math.floor((w - k) / s) + 1;
  const xv = Float32Array.from({ length: n * h * w * ci }, (_, i) => Math.sin(i * 0.37));
  const dyv = Float32Array.from({ length: n * oh * ow * co }, (_, i) => Math.cos(i * 0.91));
  const x = tf.tensor4d(xv, [n, h, w, ci]);
  const dy = tf.tensor4d(dyv, [n, oh, ow, co]);
  const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: [s, s],
    pad: 'valid',
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    filterShape: [k, k, ci, co],
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const got = await dw.data();
  tf.dispose([x, dy, dw]);
  let maxErr = 0;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let bi = 0; bi < n; bi++)
            for (let y = 0; y < oh; y++)
              for (let z = 0; z < ow; z++)
                sum += xv[((bi * h + y * s + a) * w + z * s + b) * ci + c] * dyv[((bi * oh + y) * ow + z) * co + o];
          maxErr = Math.max(maxErr, Math.abs(sum - got[((a * k + b) * ci + c) * co + o]));
        }
  if (!(maxErr < 1e-4)) throw new Error(`wasm Conv2DBackpropFilter shim is wrong: max |error| ${maxErr}`);
  return maxErr;
}

let mnistPromise: Promise<Mnist> | undefined;

async function setBackend(request: TfjsPeerRequest): Promise<void> {
  if (request.backend === 'wasm') {
    setWasmPaths(request.wasmPrefix);
    registerWasmConv2DBackpropFilter();
  }
  const ok = await tf.setBackend(request.backend);
  if (!ok || tf.getBackend() !== request.backend) {
    throw new Error(`tfjs backend '${request.backend}' failed to initialise (active: ${tf.getBackend()})`);
  }
  await tf.ready();
}

async function wasmFlavour(): Promise<Omit<NonNullable<TfjsPeerResult["wasm"]>, "conv2d_backprop_filter_shim_error">> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  // The binary the backend actually fetched (the browser's resource timing names it).
  const fetched = performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((name) => /tfjs-backend-wasm[^/]*\.wasm/.test(name));
  const binary = fetched.at(-1) ?? null;
  const file = binary?.match(/tfjs-backend-wasm[^/]*\.wasm/)?.[0];
  const flavour =
    file === 'tfjs-backend-wasm-threaded-simd.wasm'
      ? 'threaded-simd'
      : file === 'tfjs-backend-wasm-simd.wasm'
        ? 'simd'
        : file === 'tfjs-backend-wasm.wasm'
          ? 'plain'
          : 'unknown';
  return { flavour, simd, threads, threads_count: getThreadsCount(), binary_url: binary };
}

async function run(request: TfjsPeerRequest): Promise<TfjsPeerResult> {
  if (!(request.minSteps >= 1)) throw new Error('minSteps must be at least 1');
  mnistPromise ??= fetchMnist(request.mnistBase);
  const mnist = await mnistPromise;
  await setBackend(request);

  const t0 = performance.now();
  const deadline = t0 + request.capSeconds * 1000;
  // Training gets about 60% of the budget; inference the rest.
  const trainDeadline = t0 + request.capSeconds * 600;
  const shimError = request.backend === 'wasm' ? await checkWasmConv2DBackpropFilter() : undefined;
  const model = buildModel();
  const { batch } = request;
  const batchesAvailable = Math.floor(mnist.train.count / batch);

  let batchIndex = 0;
  const step = async (): Promise<[number, number]> => {
    const [x, y] = batchTensors(mnist.train.images, mnist.train.labels, (batchIndex++ % batchesAvailable) * batch, batch);
    const start = performance.now();
    const loss = (await model.trainOnBatch(x, y)) as number;
    const ms = performance.now() - start;
    tf.dispose([x, y]);
    return [ms, loss];
  };

  const [warmupStep, firstLoss] = await step();
  const stepMs: number[] = [];
  let lastLoss = firstLoss;
  while (stepMs.length < request.maxSteps) {
    const estimate = stepMs.length ? median(stepMs) : warmupStep;
    if (stepMs.length >= request.minSteps && performance.now() + estimate > trainDeadline) break;
    const [ms, loss] = await step();
    stepMs.push(ms);
    lastLoss = loss;
  }

  const [xTest] = batchTensors(mnist.test.images, mnist.test.labels, 0, request.inferImages);
  const infer = async (): Promise<number> => {
    const start = performance.now();
    const out = model.predict(xTest) as tf.Tensor;
    await out.data();
    const ms = performance.now() - start;
    out.dispose();
    return ms;
  };
  const warmupInfer = await infer();
  const inferMs: number[] = [];
  while (inferMs.length < request.maxInferRuns) {
    const estimate = inferMs.length ? median(inferMs) : warmupInfer;
    if (inferMs.length >= request.minInferRuns && performance.now() + estimate > deadline) break;
    inferMs.push(await infer());
  }
  xTest.dispose();
  const end = performance.now();

  // With minInferRuns 0 and no time left after the warm-up pass, the warm-up pass is the figure.
  const inferFromWarmup = inferMs.length === 0;
  const msPerStep = median(stepMs);
  const result: TfjsPeerResult = {
    backend: request.backend,
    ms_per_step: msPerStep,
    samples_per_s: (batch * 1000) / msPerStep,
    infer_ms: inferFromWarmup ? warmupInfer : median(inferMs),
    infer_from_warmup: inferFromWarmup,
    steps_timed: stepMs.length,
    infer_runs: inferMs.length,
    step_ms: stepMs,
    infer_ms_all: inferMs,
    warmup_step_ms: warmupStep,
    warmup_infer_ms: warmupInfer,
    first_loss: firstLoss,
    last_loss: lastLoss,
    params: model.countParams(),
    batch,
    infer_images: request.inferImages,
    total_s: (end - t0) / 1000,
    over_cap: end > deadline,
    tfjs_version: tf.version_core,
  };
  if (request.backend === 'wasm') result.wasm = { ...(await wasmFlavour()), conv2d_backprop_filter_shim_error: shimError ?? NaN };
  if (request.backend === 'webgpu') result.adapter = await adapterInfo();
  model.dispose();
  return result;
}

const api: TfjsPeerPageApi = { run, adapterInfo };
(window as unknown as Record<string, TfjsPeerPageApi>)[PAGE_API_GLOBAL] = api;
