// Writing on the number reader's wide pad with the mouse, for the page tests: polylines in the
// pad's canvas pixels, and test/ui/glyphs.ts's digits placed in a box of the pad.
import type { Page } from 'playwright';
import { GLYPHS } from '../ui/glyphs.ts';

export type Point = [number, number];

const PAD = '#numbers-card canvas.number-pad';

/** Mouse strokes along polylines given in the pad's canvas pixels. */
export async function padStrokes(page: Page, lines: Point[][]): Promise<void> {
  const pad = page.locator(PAD);
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const size = await pad.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  const at = ([x, y]: Point): Point => [box.x + (x / size[0]) * box.width, box.y + (y / size[1]) * box.height];
  for (const line of lines) {
    await page.mouse.move(...at(line[0]));
    await page.mouse.down();
    for (const p of line.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
    await page.mouse.up();
  }
}

/** The glyph's polylines mapped into a box of the pad (canvas pixels). */
export function glyph(name: string, x: number, y: number, width: number, height: number): Point[][] {
  return GLYPHS[name].map((line) => line.map(([u, v]): Point => [x + u * width, y + v * height]));
}
