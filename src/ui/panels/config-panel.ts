// The model chooser: a preset, or the Keras Sequential config edited in place, checked as
// typed (the error names the layer and option) and against the chosen dataset, with the
// architecture summary.
import { PRESET_NAMES, type PresetName } from '../../model/presets.ts';
import { summary } from '../../model/summary.ts';
import { configProblem, editedConfig, presetConfig } from '../model-config.ts';
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { configChanged, type PageState } from '../state.ts';

export function createConfigPanel(ctx: PanelContext): Panel {
  const preset = byId<HTMLSelectElement>('preset');
  const editor = byId<HTMLTextAreaElement>('config');
  const error = byId('config-error');
  const table = byId('summary');
  let shownModel: unknown;

  for (const name of PRESET_NAMES) preset.append(new Option(name, name));
  preset.append(new Option('custom (edited)', 'custom'));
  preset.addEventListener('change', () => {
    if (preset.value !== 'custom') ctx.update((s) => configChanged(s, presetConfig(preset.value as PresetName)));
  });
  editor.addEventListener('input', () => ctx.update((s) => configChanged(s, editedConfig(editor.value))));

  return {
    render(s: PageState): void {
      const c = s.config;
      if (preset.value !== c.preset) preset.value = c.preset;
      // Never rewrite the text under the user's cursor.
      if (editor.value !== c.text && document.activeElement !== editor) editor.value = c.text;
      // The config is what the next run trains: editable whenever no run is going.
      preset.disabled = editor.readOnly = s.running;
      const problem = configProblem(c, s.datasets[s.dataset]);
      editor.setAttribute('aria-invalid', String(!!problem));
      setText(error, problem);
      if (c.model && c.model !== shownModel) {
        shownModel = c.model;
        setText(table, summary(c.model));
      }
    },
  };
}
