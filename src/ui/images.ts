// Draws byte images of any (height, width, channels) onto canvases, pixel for pixel: grey
// levels (MNIST: white ink on black), RGB or RGBA (src/data/image-pixels.ts).
import { imageRgba, type ImageShape } from '../data/image-pixels.ts';

export function drawImage(canvas: HTMLCanvasElement, pixels: Uint8Array, shape: ImageShape): void {
  const [h, w] = shape;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(imageRgba(pixels, shape), w, h), 0, 0);
}

export function imageCanvas(pixels: Uint8Array, shape: ImageShape): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  drawImage(canvas, pixels, shape);
  return canvas;
}
