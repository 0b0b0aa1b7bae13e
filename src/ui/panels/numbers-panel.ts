// The "Read a written number" card (src/ui/numbers/): its classifier sends each batch to the
// worker as one 'predictBatch'; the reader reads again when another model becomes active. A
// digit's Why? button hands its field, as the model saw it, to the "Inside the network" card.
import type { Panel, PanelContext } from '../panel.ts';
import { byId } from '../panel.ts';
import { mountNumberReader } from '../numbers/panel.ts';
import { workerClassifier } from '../numbers/worker-classifier.ts';
import { SIDE } from '../mnist-style.ts';
import { greyToChannels } from '../../data/image-pixels.ts';
import type { BatchClassifier } from '../numbers/read-picture.ts';
import { explainAsked } from '../state.ts';

export function createNumbersPanel(ctx: PanelContext): Panel {
  const classifier = workerClassifier(ctx.send, () => ctx.state().modelReady);
  // The reader makes MNIST's 28x28 grey fields; a model of 28x28 with more channels gets the grey in each.
  const channels = () => ctx.state().modelInput?.shape[2] ?? 1;
  const classify: BatchClassifier = (fields, n) => {
    const [h, w] = ctx.state().modelInput?.shape ?? [SIDE, SIDE, 1];
    if (h !== SIDE || w !== SIDE) return Promise.reject(new Error(`the number reader needs a digit model whose input is ${SIDE}x${SIDE}; this model's is ${h}x${w}`));
    return classifier.classify(greyToChannels(fields, channels()), n);
  };
  const why = (field: Uint8Array, title: string) => ctx.update((s) => explainAsked(s, { image: greyToChannels(field, channels()), title }));
  const reader = mountNumberReader(byId('numbers-card'), classify, why);
  return {
    render() {},
    onMessage(msg) {
      if (classifier.onMessage(msg)) return;
      if (msg.type === 'model-ready') reader.refresh();
    },
  };
}
