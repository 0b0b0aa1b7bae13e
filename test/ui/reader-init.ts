// The number reader's model's starting weights (public/trained/number-reader/README.md): the
// shipped MNIST model with a Rescaling(1/255) first layer (the pieces dataset is bytes, as a
// Keras .npz is) and an eleventh output, "not one digit", whose weights start at zero.
// Run: npx tsx test/ui/reader-init.ts OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_MODEL_DIR } from './shipped-classifier.ts';

interface Layer {
  class_name: string;
  config: Record<string, unknown>;
}
interface ManifestWeight {
  name: string;
  shape: number[];
}

const out = process.argv[2];
if (!out) throw new Error('usage: npx tsx test/ui/reader-init.ts OUT_DIR');
const json = JSON.parse(readFileSync(join(SHIPPED_MODEL_DIR, 'model.json'), 'utf8'));
const bytes = readFileSync(join(SHIPPED_MODEL_DIR, 'weights.bin'));
const weights = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const layers: Layer[] = json.modelTopology.config.layers;
const manifest: ManifestWeight[] = json.weightsManifest[0].weights;

// the last Dense layer's kernel (inputs, classes) and bias (classes) are the manifest's last two
const [kernel, bias] = manifest.slice(-2);
const [inputs, classes] = kernel.shape;
const before = manifest.slice(0, -2).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
if (weights.length !== before + inputs * classes + classes) throw new Error(`weights.bin holds ${weights.length} floats, the manifest ${before + inputs * classes + classes}`);
const grown = new Float32Array(before + inputs * (classes + 1) + classes + 1);
grown.set(weights.subarray(0, before));
for (let i = 0; i < inputs; i++) grown.set(weights.subarray(before + i * classes, before + (i + 1) * classes), before + i * (classes + 1));
grown.set(weights.subarray(before + inputs * classes), before + inputs * (classes + 1));
kernel.shape = [inputs, classes + 1];
bias.shape = [classes + 1];
layers[layers.length - 1].config.units = classes + 1;

const inputShape = layers[0].config.batch_input_shape;
delete layers[0].config.batch_input_shape;
layers.unshift({ class_name: 'Rescaling', config: { name: 'rescaling', trainable: true, dtype: 'float32', batch_input_shape: inputShape, scale: 1 / 255, offset: 0 } });

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'model.json'), JSON.stringify(json, null, 1));
writeFileSync(join(out, 'weights.bin'), new Uint8Array(grown.buffer));
console.log(`${out}: ${layers.length} layers, ${grown.length} parameters (${classes + 1} classes)`);
