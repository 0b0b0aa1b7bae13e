// `npm run predict -- ... --explain OUT`: where each picture's explanation goes and what it says.
// One picture: OUT is the PNG file. Several: OUT is a folder (made if missing) holding one PNG
// per picture, named after the picture's path under the pictures' common folder. The PNG (src/explain/explanation-png.ts) shows the
// picture as the model saw it, the saliency and the Grad-CAM heat maps and the class
// probabilities; --json adds the arrays themselves. Checked before any GPU work: a place that
// cannot be written is a usage error naming it.
import { basename, join } from 'node:path';
import { explanationPng, type ExplanationPicture } from '../explain/explanation-png.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { OutDirError, prepareOutDir } from '../io/out-dir.ts';
import { UsageError } from './cli-error.ts';
import { checkOutputFile } from './json-out.ts';
import { base64ToFloats, type EncodedExplanation } from './protocol.ts';

/** What --json adds to a picture's entry. */
export interface ExplanationJson {
  /** The PNG written. */
  png: string;
  /** The class explained (the most probable one), its label index. */
  explained: number;
  /** d logit[explained] / d input, (H, W, C) in input order, flat. */
  saliency: { shape: readonly number[]; values: number[] };
  /** Grad-CAM on the last Conv2D: (height, width), flat; absent for a model without one. */
  gradCam?: { layer: string; height: number; width: number; values: number[] };
}

/** The PNG path of each picture (checked writable): OUT itself for one picture, else OUT/<name>.png. */
export async function explanationPaths(out: string, files: readonly string[]): Promise<string[]> {
  if (files.length === 1 && !out.endsWith('/')) {
    await checkOutputFile('--explain', out);
    return [out];
  }
  let folder: string;
  try {
    folder = await prepareOutDir(out);
  } catch (e) {
    if (e instanceof OutDirError) throw new UsageError(`--explain ${out}: ${files.length} pictures need a folder, and this one ${e.problem}`);
    throw e;
  }
  // Named by the path under the pictures' common folder ("pics/more/4.png" among "pics/..." is "more_4.png").
  const common = commonFolder(files);
  const used = new Set<string>();
  return files.map((file, i) => {
    const stem = file.slice(common.length).replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || basename(file) || `picture-${i + 1}`;
    let name = `${stem}.png`;
    for (let k = 2; used.has(name); k++) name = `${stem}-${k}.png`;
    used.add(name);
    return join(folder, name);
  });
}

/** The longest folder prefix ("a/b/", or "") that every path starts with. */
function commonFolder(paths: readonly string[]): string {
  let prefix = paths[0].slice(0, paths[0].lastIndexOf('/') + 1);
  while (prefix && !paths.every((p) => p.startsWith(prefix))) prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
  return prefix;
}

/** An explanation as the page sent it, arrays decoded, with the probabilities the prediction gave. */
export type DecodedExplanation = ExplanationPicture & { gradCam?: { layer: string; height: number; width: number; map: Float32Array; upsampled: Float32Array } };

export function decodeExplanation(e: EncodedExplanation, probabilities: readonly number[]): DecodedExplanation {
  const cam = e.gradCam;
  return {
    classIndex: e.classIndex,
    probabilities: Float32Array.from(probabilities),
    saliency: base64ToFloats(e.saliency),
    gradCam: cam && { layer: cam.layer, height: cam.height, width: cam.width, map: base64ToFloats(cam.map), upsampled: base64ToFloats(cam.upsampled) },
  };
}

/** Writes one picture's explanation PNG; returns what --json says of it. */
export async function writeExplanation(
  path: string,
  e: DecodedExplanation,
  picture: Uint8Array,
  shape: readonly [number, number, number],
  classNames: readonly string[],
): Promise<ExplanationJson> {
  await writeFileAtomic(path, explanationPng(e, { values: picture, shape }, { classNames }));
  const cam = e.gradCam;
  return {
    png: path,
    explained: e.classIndex,
    saliency: { shape, values: Array.from(e.saliency) },
    gradCam: cam && { layer: cam.layer, height: cam.height, width: cam.width, values: Array.from(cam.map) },
  };
}
