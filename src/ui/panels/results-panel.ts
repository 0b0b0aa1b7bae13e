// The test results card (results.ts draws it), shown once there are results; "Save figure"
// keeps its grid of test images as a PNG; a worst mistake's Why? button hands its image to the
// "Inside the network" card.
import { downloadPng, predictionsFigure } from '../figures.ts';
import { byId, type Panel, type PanelContext } from '../panel.ts';
import { showResults } from '../results.ts';
import { explainAsked, type PageState } from '../state.ts';

export function createResultsPanel(ctx: Pick<PanelContext, 'state' | 'update'>): Panel {
  let shown: unknown;
  byId('save-predictions').addEventListener('click', () => {
    const results = ctx.state().results;
    if (results) downloadPng(predictionsFigure(results), 'test-predictions.png');
  });
  return {
    render(s: PageState): void {
      if (!s.results || s.results === shown) return;
      shown = s.results;
      showResults(s.results, (sample, title) => ctx.update((st) => explainAsked(st, { image: sample.image, title })));
    },
  };
}
