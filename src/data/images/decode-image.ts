// Any picture a dataset folder may hold (PNG, JPEG, BMP, GIF) to a DecodedImage, the format
// told by the file's first bytes (as TensorFlow's decode_image does), not by its name.
// Browser-safe: the page and the command line decode alike.
import { describeStart } from '../../io/file-format-error.ts';
import { decodeBmp } from './decode-bmp.ts';
import { decodeGif } from './decode-gif.ts';
import { decodeJpeg } from './decode-jpeg.ts';
import { decodePng } from './decode-png.ts';
import { ImageDecodeError, type DecodedImage } from './decoded-image.ts';

/** File name endings taken as pictures in a dataset folder (Keras's ALLOWLIST_FORMATS). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'];

const startsWith = (b: Uint8Array, sig: readonly number[]) => sig.every((v, i) => b[i] === v);

/** Decodes a picture's bytes; throws ImageDecodeError naming what is wrong. */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  if (bytes.length === 0) throw new ImageDecodeError('empty file');
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return decodePng(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return decodeJpeg(bytes);
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return decodeGif(bytes);
  if (startsWith(bytes, [0x42, 0x4d])) return decodeBmp(bytes);
  throw new ImageDecodeError(`not a PNG, JPEG, GIF or BMP image (${describeStart(bytes).replace(/^starts/, 'it starts')})`);
}
