// Command-line options of `npm run predict -- MODEL IMAGE|FOLDER...`: parsing and validation
// (pure: no I/O, no exit); every problem is a UsageError (exit code 2).
import { ADAPTER_CHOICES, parseAdapterChoice, type AdapterChoice } from './adapter-choice.ts';
import { UsageError } from './cli-error.ts';
import { choiceError, parseCommandLine } from './command-line.ts';

/** Classes shown per image unless --top says otherwise. */
export const DEFAULT_TOP = 3;

export const PREDICT_USAGE = `Usage: npm run predict -- MODEL IMAGE|FOLDER... [options]

Classifies pictures with a saved model (a Keras 3 .keras file, or a TensorFlow.js model.json
or the folder holding one), all of them in one batch on the GPU. IMAGE is a PNG, JPEG, BMP or
GIF file (a GIF's first frame); a FOLDER's pictures are read at any depth, in sorted order.
Each picture is read as the model's training images were: the size, colour mode, input
scaling and class names the model records (files this trainer wrote), else its input shape.

Options:
  --top K                 show the K most probable classes of each picture (default ${DEFAULT_TOP})
  --json                  print one JSON array instead of text: per picture { file, index,
                          class, probabilities } (index and class: the most probable class;
                          probabilities: one per class, in label order)
                          (with npm: npm run --silent predict -- MODEL IMAGE --json > FILE)
  --explain OUT           also explain each picture's most probable class: a PNG of the
                          picture, its saliency and Grad-CAM heat maps and the class
                          probabilities (one picture: OUT is the PNG file; several: OUT is a
                          folder of one PNG per picture); --json adds the saliency (H x W x C,
                          input order) and Grad-CAM (h x w) arrays
  --cam-layer NAME        with --explain: the Conv2D layer Grad-CAM weighs (default: the
                          model's last Conv2D)
  --numbers               read whole handwritten numbers in photos, as the page's number
                          reader does (a 10-class 28x28x1 digit model only)
  --adapter auto|gpu|swiftshader   which WebGPU adapter (default auto)
  --node                  run in Node through the webgpu package (Dawn + Vulkan)
  -h, --help              show this help`;

export interface PredictOptions {
  /** The model: a .keras file, a model.json or its folder. */
  model: string;
  /** Pictures and folders of pictures, as given. */
  inputs: string[];
  json: boolean;
  /** Classes shown per picture. */
  top: number;
  /** Read whole numbers (the page's number reader) instead of classifying each picture. */
  numbers: boolean;
  /** Where the explanation PNGs go (--explain), or null. */
  explain: string | null;
  /** The Conv2D layer of Grad-CAM (--cam-layer; null: the last Conv2D). */
  camLayer: string | null;
  adapter: AdapterChoice;
  node: boolean;
}

/** Parses `argv` (without node and the script): the options, 'help', or a UsageError naming the option. */
export function parsePredictArgs(argv: string[]): PredictOptions | 'help' {
  const parsed = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      top: { type: 'string' },
      numbers: { type: 'boolean' },
      explain: { type: 'string' },
      'cam-layer': { type: 'string' },
      adapter: { type: 'string' },
      node: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const v = parsed.values;
  if (v.help) return 'help';
  const [model, ...inputs] = parsed.positionals;
  if (model === undefined) throw new UsageError('expected the path of a model (a .keras file, a model.json or its folder), then pictures or folders of pictures');
  if (inputs.length === 0) throw new UsageError(`expected pictures or folders of pictures after the model ${model}`);
  const adapter = v.adapter === undefined ? 'auto' : parseAdapterChoice(v.adapter);
  if (adapter === null) throw choiceError('--adapter', v.adapter!, ADAPTER_CHOICES);
  let top = DEFAULT_TOP;
  if (v.top !== undefined) {
    top = Number(v.top);
    if (!/^\s*\d+\s*$/.test(v.top) || !Number.isSafeInteger(top) || top < 1) throw new UsageError(`--top: expected a positive integer, got "${v.top}"`);
  }
  if (v.numbers && v.top !== undefined) throw new UsageError('--top applies to pictures classified whole, not to --numbers (each digit lists its own candidates)');
  if (v.explain !== undefined && v.explain.trim() === '') throw new UsageError('--explain: expected a PNG file or a folder');
  if (v.explain !== undefined && v.numbers) throw new UsageError('--explain applies to pictures classified whole, not to --numbers');
  const camLayer = v['cam-layer'] ?? null;
  if (camLayer !== null && v.explain === undefined) throw new UsageError('--cam-layer applies with --explain (the layer Grad-CAM weighs)');
  if (camLayer !== null && camLayer.trim() === '') throw new UsageError('--cam-layer: expected the name of a Conv2D layer of the model');
  return { model, inputs, json: v.json ?? false, top, numbers: v.numbers ?? false, explain: v.explain ?? null, camLayer, adapter, node: v.node ?? false };
}
