// The "Read a written number" card (src/ui/numbers/): its classifier sends each batch to the
// worker as one 'predictBatch': the page's model reads the digits when it is a digit model
// (28x28 grey, 10 classes: the shipped one, or one trained, loaded or fine-tuned here), the
// number reader's model says whether each piece is one digit (and reads the digits too when
// the page's model cannot). The reader reads again when another model becomes active. A
// digit's Why? button hands its field to the "Inside the network" card.
import type { Panel, PanelContext } from '../panel.ts';
import { byId } from '../panel.ts';
import { mountNumberReader } from '../numbers/panel.ts';
import { workerClassifier } from '../numbers/worker-classifier.ts';
import { DIGITS, SIDE } from '../mnist-style.ts';
import { greyToChannels } from '../../data/image-pixels.ts';
import { explainAsked } from '../state.ts';

export function createNumbersPanel(ctx: PanelContext): Panel {
  /** Whether the page's model reads the digits: a digit model (28x28 grey, 10 classes). */
  const modelReadsDigits = () => {
    const { modelReady, modelInput } = ctx.state();
    return modelReady && modelInput?.classes === DIGITS && modelInput.shape.join() === [SIDE, SIDE, 1].join();
  };
  const classifier = workerClassifier(ctx.send, () => ctx.state().gpu.state !== 'none', 1, () => (modelReadsDigits() ? "model's digits" : 'reader'));
  const channels = () => ctx.state().modelInput?.shape[2] ?? 1;
  const why = (field: Uint8Array, title: string) => ctx.update((s) => explainAsked(s, { image: greyToChannels(field, channels()), title }));
  const reader = mountNumberReader(byId('numbers-card'), classifier.classify, why);
  return {
    render() {},
    onMessage(msg) {
      if (classifier.onMessage(msg)) return;
      if (msg.type === 'model-ready') reader.refresh();
    },
  };
}
