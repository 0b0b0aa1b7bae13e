// TensorFlow.js's own IO for the tests (tfjs-layers 4.22, cpu backend): a model saved
// through model.save into model.json + one weights file, a model.json loaded back with
// tf.loadLayersModel, and each layer's shape as TF.js infers it. Browser-safe (no node imports).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

/** Sets the cpu backend (deterministic float32) before any TF.js work. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** What TF.js's save handler gives: model.json (as tf.io's file writers lay it out) and the weights file. */
export interface SavedModel {
  modelJson: Record<string, unknown>;
  weightsPath: string;
  weightsBin: ArrayBuffer;
}

/** Saves `model` through TF.js's own serialization (model.save with a save handler). */
export async function saveWithTfjs(model: tfl.LayersModel, weightsPath = 'weights.bin'): Promise<SavedModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.weightSpecs || !(saved.weightData instanceof ArrayBuffer)) throw new Error('TF.js saved no weights');
  const manifest = [{ paths: [`./${weightsPath}`], weights: saved.weightSpecs }];
  // model.json as tf.io's file writers (browserDownloads, tfjs-node's file://) lay it out
  const { modelTopology, format, generatedBy, convertedBy, trainingConfig } = saved;
  const modelJson = JSON.parse(JSON.stringify({ modelTopology, format, generatedBy, convertedBy, trainingConfig, weightsManifest: manifest })) as Record<string, unknown>;
  return { modelJson, weightsPath, weightsBin: saved.weightData };
}

/** Loads a model.json object and its one weights file into TF.js (strict: every weight must fit). */
export function loadIntoTfjs(modelJson: Record<string, unknown>, weightsBin: ArrayBuffer | Uint8Array): Promise<tfl.LayersModel> {
  const json = modelJson as { modelTopology: object; format?: string; generatedBy?: string; convertedBy?: string | null; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  // a copy: a Node Buffer's slice() is a view into a shared pool
  const bytes = weightsBin instanceof Uint8Array ? new Uint8Array(weightsBin).buffer : weightsBin;
  return tfl.loadLayersModel(
    {
      load: async () => ({
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: bytes,
      }),
    },
    { strict: true },
  );
}

/** Each layer's class and output shape as TF.js infers them: its own reading of the topology. */
export function layerShapes(model: tfl.LayersModel): string[] {
  return model.layers.map((l) => `${l.getClassName()} ${JSON.stringify(l.outputShape)}`);
}
