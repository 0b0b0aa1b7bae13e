// The drawing pad: pointer events (mouse, pen, touch) draw round strokes; the ink is read
// from the canvas's alpha channel and pre-processed like MNIST (preprocess.ts).
import { alphaChannel, preprocessDigit } from './preprocess.ts';

export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | undefined;
  private dirty = false;

  /** `onChange(image)` gets the 28x28 image after each stroke segment (null when cleared). */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: (image: Uint8Array | null) => void,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', () => this.up());
    canvas.addEventListener('pointercancel', () => this.up());
    canvas.addEventListener('lostpointercapture', () => this.up());
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.onChange(null);
  }

  /** The current drawing as a 28x28 MNIST-like image, or null when empty. */
  image(): Uint8Array | null {
    const { width, height } = this.canvas;
    return preprocessDigit(alphaChannel(this.ctx.getImageData(0, 0, width, height).data), width, height);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * this.canvas.width, y: ((e.clientY - r.top) / r.height) * this.canvas.height };
  }

  private down(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.drawing = true;
    this.last = this.point(e);
    this.segment(this.last, this.last);
  }

  private move(e: PointerEvent): void {
    if (!this.drawing || !this.last) return;
    const events = e.getCoalescedEvents?.() ?? [e];
    for (const ce of events.length ? events : [e]) {
      const p = this.point(ce);
      this.segment(this.last, p);
      this.last = p;
    }
  }

  private up(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.last = undefined;
    this.flush();
  }

  private segment(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#111';
    c.lineWidth = this.canvas.width / 14;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x + 0.01, b.y);
    c.stroke();
    if (!this.dirty) {
      this.dirty = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  private flush(): void {
    this.dirty = false;
    this.onChange(this.image());
  }
}
