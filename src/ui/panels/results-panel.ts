// The test results card (results.ts draws it), shown once there are results.
import type { Panel } from '../panel.ts';
import { showResults } from '../results.ts';
import type { PageState } from '../state.ts';

export function createResultsPanel(): Panel {
  let shown: unknown;
  return {
    render(s: PageState): void {
      if (!s.results || s.results === shown) return;
      shown = s.results;
      showResults(s.results);
    },
  };
}
