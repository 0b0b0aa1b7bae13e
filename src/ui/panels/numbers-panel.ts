// The "Read a written number" card (src/ui/numbers/): its classifier sends each batch to the
// worker as one 'predictBatch'; the reader reads again when another model becomes active.
import type { Panel, PanelContext } from '../panel.ts';
import { byId } from '../panel.ts';
import { mountNumberReader } from '../numbers/panel.ts';
import { workerClassifier } from '../numbers/worker-classifier.ts';
import { SIDE } from '../mnist-style.ts';

export function createNumbersPanel(ctx: PanelContext): Panel {
  const classifier = workerClassifier(ctx.send, () => ctx.state().modelReady);
  const reader = mountNumberReader(byId('numbers-card'), classifier.classify, () => ctx.state().modelInput?.shape ?? [SIDE, SIDE, 1]);
  return {
    render() {},
    onMessage(msg) {
      if (classifier.onMessage(msg)) return;
      if (msg.type === 'model-ready') reader.refresh();
    },
  };
}
