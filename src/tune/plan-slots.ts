// The one place the autotuner meets the kernel registry: a model's tunable slots at a batch size.
import type { Gpu } from '../gpu/device.ts';
import type { ModelInfo } from '../model/model-info.ts';
import type { TuneSlot } from './slots.ts';

/**
 * The slots of `model` at `batch` that have more than one supported kernel, each with its
 * candidates (the general kernel as reference, the fixed rules' choice marked).
 *
 * TODO(kernel registry, issue #13 item 3): adapt the registry's enumeration of tunable slots
 * (layer name, type, pass, config, supported candidate ids, fixed choice) to TuneSlot: a
 * candidate's build() builds that entry's kernel on buffers the slot allocates once for the
 * layer at `batch`, and the tuned choices go to the model plan as its KernelChoices override
 * (layer name + pass -> entry id). Until then no slot is tunable and the fixed rules choose.
 */
export function planSlots(_gpu: Gpu, _model: ModelInfo, _batch: number): TuneSlot[] {
  return [];
}
