// The single-digit drawing pad: strokes (stroke-pad.ts) whose ink is read from the canvas's
// alpha channel and pre-processed like MNIST (preprocess.ts) into a field of the size asked for.
import { MNIST_FIELD, type FieldSize } from './mnist-style.ts';
import { alphaChannel, preprocessDigit } from './preprocess.ts';
import { StrokePad } from './stroke-pad.ts';

export class DrawPad {
  private readonly strokes: StrokePad;

  /** `onChange()` is called after each stroke segment and when the pad is cleared. */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: () => void,
  ) {
    this.strokes = new StrokePad(canvas, { lineWidth: (c) => c.width / 14, onInk: () => this.onChange() });
  }

  clear(): void {
    this.strokes.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.onChange();
  }

  /** The current drawing as an MNIST-like grey image of `field` (default 28x28), or null when empty. */
  image(field: FieldSize = MNIST_FIELD): Uint8Array | null {
    const { width, height } = this.canvas;
    return preprocessDigit(alphaChannel(this.strokes.ctx.getImageData(0, 0, width, height).data), width, height, undefined, field);
  }
}
