// Pictures for the number reader: files (chosen or dropped) decoded with createImageBitmap,
// and camera frames where the browser offers getUserMedia. Each is drawn into the reader's
// canvas, scaled down so its longer side is at most MAX_SIDE pixels.

/** Longer side of a picture as read; a phone photo is scaled down to this (segmentation time grows with the area). */
export const MAX_SIDE = 1200;

/** The size a w x h picture is drawn at: scaled down (never up) so the longer side is at most maxSide. */
export function fittedSize(w: number, h: number, maxSide = MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** Replaces the canvas's content (and size) with the picture, on white (a transparent PNG reads as paper). */
export function drawPicture(canvas: HTMLCanvasElement, picture: CanvasImageSource, w: number, h: number): void {
  const size = fittedSize(w, h);
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.drawImage(picture, 0, 0, size.width, size.height);
}

/** Decodes an image file into the canvas. Throws a readable error for files that are not images. */
export async function drawImageFile(canvas: HTMLCanvasElement, file: Blob & { name?: string }): Promise<void> {
  const name = file.name ? `${file.name}` : 'the file';
  if (file.type && !file.type.startsWith('image/')) throw new Error(`${name} is not an image (${file.type})`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${name} could not be decoded as an image (PNG, JPEG, WebP, GIF or BMP)`);
  }
  try {
    drawPicture(canvas, bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Whether this browser can be asked for a camera (a secure context with getUserMedia). */
export function cameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && globalThis.isSecureContext !== false;
}

/** A live camera (the back camera where there is a choice) playing in `video`; stop() releases it. */
export async function startCamera(video: HTMLVideoElement): Promise<{ stop(): void }> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  return {
    stop() {
      stream.getTracks().forEach((t) => t.stop());
      video.srcObject = null;
    },
  };
}

/** The camera's current frame drawn into the canvas. */
export function captureFrame(canvas: HTMLCanvasElement, video: HTMLVideoElement): void {
  if (!video.videoWidth) throw new Error('the camera has not delivered a picture yet');
  drawPicture(canvas, video, video.videoWidth, video.videoHeight);
}
