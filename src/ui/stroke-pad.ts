// Pointer strokes (mouse, pen, touch) drawn as round dark lines onto a canvas: the drawing
// surface of the single-digit pad (draw-pad.ts) and of the number reader's wide pad.

export interface StrokePadOptions {
  /** Line width in canvas pixels, read at the start of each stroke (the canvas may be resized). */
  lineWidth: (canvas: HTMLCanvasElement) => number;
  /** After new ink is drawn, at most once per animation frame, and once more when a stroke ends. */
  onInk?: () => void;
  /** When a stroke begins. */
  onStrokeStart?: () => void;
  /** When a stroke ends (pointer up or cancelled). */
  onStrokeEnd?: () => void;
}

export class StrokePad {
  readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | undefined;
  private width = 1;
  private dirty = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly options: StrokePadOptions,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', () => this.up());
    canvas.addEventListener('pointercancel', () => this.up());
    canvas.addEventListener('lostpointercapture', () => this.up());
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * this.canvas.width, y: ((e.clientY - r.top) / r.height) * this.canvas.height };
  }

  private down(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.drawing = true;
    this.width = this.options.lineWidth(this.canvas);
    this.options.onStrokeStart?.();
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
    this.options.onStrokeEnd?.();
  }

  private segment(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#111';
    c.lineWidth = this.width;
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
    this.options.onInk?.();
  }
}
