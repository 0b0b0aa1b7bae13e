// --autotune auto|on|off|refresh: whether kernels are chosen by measurement or by the fixed rules.

export const AUTOTUNE_MODES = ['auto', 'on', 'off', 'refresh'] as const;
/**
 * auto: tune on a hardware adapter, the fixed rules on a software one (SwiftShader);
 * on: tune, reusing cached choices; off: the fixed rules; refresh: measure again and overwrite the cache.
 */
export type AutotuneMode = (typeof AUTOTUNE_MODES)[number];

/** What a run does when not told: tune on a hardware adapter only. */
export const DEFAULT_AUTOTUNE: AutotuneMode = 'auto';

/** What a mode comes to on a given adapter. */
export type ActiveTuning = 'off' | 'on' | 'refresh';

export function parseAutotuneMode(raw: string): AutotuneMode | null {
  const m = raw.trim().toLowerCase();
  return (AUTOTUNE_MODES as readonly string[]).includes(m) ? (m as AutotuneMode) : null;
}

/** The mode a control or option named `what` chose, or an error naming it. */
export function requireAutotuneMode(raw: string, what: string): AutotuneMode {
  const mode = parseAutotuneMode(raw);
  if (mode === null) throw new Error(`${what}: unknown choice "${raw}"`);
  return mode;
}

export function activeTuning(mode: AutotuneMode, softwareAdapter: boolean): ActiveTuning {
  if (mode === 'auto') return softwareAdapter ? 'off' : 'on';
  return mode;
}
