// Every panel of the page, in render order. A new panel (e.g. whole-number recognition in
// src/ui/numbers/) is one more factory here; see panel.ts for what a panel gets.
import type { PanelFactory } from '../panel.ts';
import { createChartsPanel } from './charts-panel.ts';
import { createConfigPanel } from './config-panel.ts';
import { createDataPanel } from './data-panel.ts';
import { createDrawPanel } from './draw-panel.ts';
import { createExplainPanel } from './explain-panel.ts';
import { createHandwritingPanel } from './handwriting-panel.ts';
import { createKernelsPanel } from './kernels-panel.ts';
import { createMapPanel } from './map-panel.ts';
import { createModelPanel } from './model-panel.ts';
import { createNumbersPanel } from './numbers-panel.ts';
import { createProgressPanel } from './progress-panel.ts';
import { createResultsPanel } from './results-panel.ts';
import { createStatusPanel } from './status-panel.ts';
import { createTrainPanel } from './train-panel.ts';

export const PANELS: PanelFactory[] = [
  createStatusPanel,
  createTrainPanel,
  createDataPanel,
  createProgressPanel,
  createChartsPanel,
  createKernelsPanel,
  createConfigPanel,
  createModelPanel,
  createDrawPanel,
  createNumbersPanel,
  createExplainPanel,
  createMapPanel,
  createHandwritingPanel,
  createResultsPanel,
];
