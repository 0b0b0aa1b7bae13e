// The part of the omggif package (a CommonJS module without types) that src/data/images/decode-gif.ts
// and its test use.
declare module 'omggif' {
  export class GifWriter {
    /** Writes into `buf`; `options.palette`: the global palette as 0xRRGGBB numbers (a power of 2 of them). */
    constructor(buf: Uint8Array, width: number, height: number, options?: { palette?: number[]; loop?: number });
    addFrame(x: number, y: number, width: number, height: number, indexedPixels: ArrayLike<number>, options?: { palette?: number[]; transparent?: number; delay?: number; disposal?: number }): number;
    end(): number;
  }
  export class GifReader {
    constructor(bytes: Uint8Array);
    readonly width: number;
    readonly height: number;
    numFrames(): number;
    /** Draws frame `frame` into `pixels` ((height, width, 4) bytes), leaving transparent pixels untouched. */
    decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array): void;
  }
}
