// The single-digit drawing pad: strokes (stroke-pad.ts) whose ink is read from the canvas's
// alpha channel and pre-processed like MNIST (preprocess.ts).
import { alphaChannel, preprocessDigit } from './preprocess.ts';
import { StrokePad } from './stroke-pad.ts';

export class DrawPad {
  private readonly strokes: StrokePad;

  /** `onChange(image)` gets the 28x28 image after each stroke segment (null when cleared). */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: (image: Uint8Array | null) => void,
  ) {
    this.strokes = new StrokePad(canvas, { lineWidth: (c) => c.width / 14, onInk: () => this.onChange(this.image()) });
  }

  clear(): void {
    this.strokes.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.onChange(null);
  }

  /** The current drawing as a 28x28 MNIST-like image, or null when empty. */
  image(): Uint8Array | null {
    const { width, height } = this.canvas;
    return preprocessDigit(alphaChannel(this.strokes.ctx.getImageData(0, 0, width, height).data), width, height);
  }
}
