// `--adapter auto|gpu|swiftshader` of `npm run train` and `npm run bench` (both back ends).

/**
 * auto: the machine's GPU where the browser (or Dawn) finds one, else SwiftShader with a notice;
 * gpu: the machine's GPU or a clear error; swiftshader: SwiftShader (software WebGPU) always.
 */
export type AdapterChoice = 'auto' | 'gpu' | 'swiftshader';

export const ADAPTER_CHOICES: readonly AdapterChoice[] = ['auto', 'gpu', 'swiftshader'];

/** The choice named by `raw` (case and spaces ignored), or null. */
export function parseAdapterChoice(raw: string): AdapterChoice | null {
  const v = raw.trim().toLowerCase();
  return (ADAPTER_CHOICES as readonly string[]).includes(v) ? (v as AdapterChoice) : null;
}

/** Printed when `auto` found no hardware adapter; `why` says so, e.g. "Chromium found no GPU adapter". */
export function softwareNotice(why: string): string {
  return `Note: ${why}; using SwiftShader (software WebGPU, slow). --adapter swiftshader silences this.`;
}

/** True when `argv` holds `--gpu`, which `--adapter` replaced (GPU_FLAG_REPLACED says so). */
export function hasGpuFlag(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--gpu' || a.startsWith('--gpu='));
}

/** The error of `--gpu`, which `--adapter` replaced. */
export const GPU_FLAG_REPLACED = '--gpu was replaced by --adapter gpu (default: --adapter auto, the GPU where there is one)';
