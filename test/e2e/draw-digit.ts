// A digit drawn on the page's pad with the mouse, for the page tests.
import type { Page } from 'playwright';

/** A 7 drawn with the mouse: a bar along the top, then a stroke down and to the left. */
export async function drawSeven(page: Page): Promise<void> {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  const stroke = async (points: (readonly [number, number])[]) => {
    await page.mouse.move(...points[0]);
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...p, { steps: 6 });
    await page.mouse.up();
  };
  await stroke([at(0.25, 0.2), at(0.75, 0.2), at(0.45, 0.85)]);
}
