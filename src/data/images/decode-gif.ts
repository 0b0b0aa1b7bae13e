// GIF to a DecodedImage (RGBA) with omggif (pure JavaScript, Node and browser alike): the first
// frame only, as TensorFlow's decode_image gives for a GIF when animations are not expanded,
// drawn on the logical screen; pixels the frame leaves out, and its transparent ones, are 0 in
// every channel (black, alpha 0). Browser-safe.
import { GifReader } from 'omggif';
import { checkImageSize, ImageDecodeError, type DecodedImage } from './decoded-image.ts';

/** Decodes the first frame of a GIF file's bytes; throws ImageDecodeError for a damaged one. */
export function decodeGif(bytes: Uint8Array): DecodedImage {
  let reader: GifReader;
  try {
    reader = new GifReader(bytes);
  } catch (e) {
    throw new ImageDecodeError(`damaged GIF (${e instanceof Error ? e.message : String(e)})`);
  }
  const { width, height } = reader;
  checkImageSize('GIF', width, height);
  if (reader.numFrames() < 1) throw new ImageDecodeError('GIF without a frame');
  const data = new Uint8Array(width * height * 4);
  try {
    reader.decodeAndBlitFrameRGBA(0, data);
  } catch (e) {
    throw new ImageDecodeError(`damaged GIF (${e instanceof Error ? e.message : String(e)})`);
  }
  return { width, height, channels: 4, data };
}
