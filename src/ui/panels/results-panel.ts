// The test results card (results.ts draws it), shown once there are results; "Save figure"
// keeps its grid of test images as a PNG.
import { downloadPng, predictionsFigure } from '../figures.ts';
import { byId, type Panel } from '../panel.ts';
import { showResults } from '../results.ts';
import type { PageState } from '../state.ts';

export function createResultsPanel(ctx: { state(): PageState }): Panel {
  let shown: unknown;
  byId('save-predictions').addEventListener('click', () => {
    const results = ctx.state().results;
    if (results) downloadPng(predictionsFigure(results), 'test-predictions.png');
  });
  return {
    render(s: PageState): void {
      if (!s.results || s.results === shown) return;
      shown = s.results;
      showResults(s.results);
    },
  };
}
