// The page's entry: the start-up guard first (boot.ts: it repairs the locale before the chart
// library loads), then the app (app.ts wires the state, the panels and the worker), loaded
// dynamically so that any failure to fetch, link or run it is shown on the page.
import { showStartupError } from './boot.ts';
import './style.css';

import('./app.ts')
  .then(({ startApp }) => startApp())
  .catch((e: unknown) => {
    showStartupError(e);
    throw e; // and in the console, with its stack
  });
