// The one error a bad model description raises: it names the layer (index, name, type) and
// the option, so a user can find the line of their config at once.
import { oneLine } from '../io/file-format-error.ts';

export class ModelSpecError extends Error {
  constructor(message: string) {
    // One printable line: the names and types quoted come from the config file.
    super(oneLine(message));
    this.name = 'ModelSpecError';
  }
}

/** Where in a config an error is: `layer 3 "conv2d_1" (Conv2D)` or `the model`. */
export interface LayerLocation {
  index: number;
  name: string;
  type: string;
}

export function layerError(at: LayerLocation, option: string | undefined, message: string): ModelSpecError {
  const where = `layer ${at.index} "${at.name}" (${at.type})`;
  return new ModelSpecError(option ? `${where}, option ${option}: ${message}` : `${where}: ${message}`);
}
