// The page's entry: its styles and the app (app.ts wires the state, the panels and the worker).
import { startApp } from './app.ts';
import './style.css';

startApp();
