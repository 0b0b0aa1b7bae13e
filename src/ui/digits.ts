// Draws 28x28 grey-level bytes (MNIST: white ink on black) onto a canvas, pixel for pixel.
export function drawDigit(canvas: HTMLCanvasElement, pixels: Uint8Array, side = 28): void {
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = pixels[i] ?? 0;
    img.data[i * 4] = v;
    img.data[i * 4 + 1] = v;
    img.data[i * 4 + 2] = v;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function digitCanvas(pixels: Uint8Array): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  drawDigit(canvas, pixels);
  return canvas;
}
