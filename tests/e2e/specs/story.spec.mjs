// Story mode (#11): the session's changes replay step by step with the keyboard, and one link
// replays the same story in another browser; every step's pool is the engine's.
import { test, expect } from '@playwright/test';
import { expectPooled, expectedAnalysis, openApp } from './helpers.mjs';

const outcome = 'serious_adverse_events';
const steps = [
  { text: 'the start', expected: { outcome, measure: 'RR', method: 'DL' } },
  { text: 'CHRONOS excluded', expected: { outcome, exclude: ['chronos'], measure: 'RR', method: 'DL' } },
  { text: 'model: Random effects, REML', expected: { outcome, exclude: ['chronos'], measure: 'RR', method: 'REML' } },
  { text: 'measure: OR', expected: { outcome, exclude: ['chronos'], measure: 'OR', method: 'REML' } },
];

async function expectStep(page, i) {
  await expect(page.getByTestId('story-step')).toHaveText(`Story, step ${i + 1} of ${steps.length}: ${steps[i].text}`);
  await expectPooled(page, expectedAnalysis(steps[i].expected));
}

test('a session replays as a story with the keyboard, and its link replays it elsewhere', async ({ page, browser }, testInfo) => {
  const problems = await openApp(page, `?outcome=${outcome}&model=DL`);
  await page.getByTestId('trial-toggle-chronos').uncheck();
  await page.getByTestId('model-select').selectOption('REML');
  await page.getByTestId('measure-select').selectOption('OR');
  await expect(page.getByTestId('story-count')).toHaveText('This session: 4 analyses in order.');
  await page.getByTestId('story-link-make').click();
  const link = await page.getByTestId('story-link').inputValue();
  expect(link).toContain('story=');
  await page.getByTestId('story-replay').click();
  await expectStep(page, 0);
  await page.locator('body').click({ position: { x: 5, y: 700 } }); // the keys go to the page, not a control
  await page.keyboard.press('ArrowRight');
  await expectStep(page, 1);
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await expectStep(page, 3);
  await page.keyboard.press('ArrowRight'); // the last step stays
  await expectStep(page, 3);
  await page.keyboard.press('ArrowLeft');
  await expectStep(page, 2);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('story-step')).toHaveCount(0);
  expect(problems).toEqual([]);

  // The link, in another browser context, in presenter mode at 1280x720.
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const other = await context.newPage();
  await other.goto(`${link}&presenter=1`);
  await expect(other.getByTestId('app-ready')).toBeVisible();
  await expectStep(other, 0);
  for (const i of [1, 2, 3]) {
    await other.getByTestId('story-next').click();
    await expectStep(other, i);
  }
  expect(await other.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
  await other.screenshot({ path: testInfo.outputPath('presenter-story-step4.png') });
  await context.close();
});
