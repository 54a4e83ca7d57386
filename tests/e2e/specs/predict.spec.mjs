// Predict, then reveal (#11): in presenter mode a change hides the new pooled result; a drag on
// the plot's axis sets the group's guess; Reveal shows the result, which is the engine's, with
// the guess beside it and the distance stated.
import { test, expect } from '@playwright/test';
import { expectPooled, expectedAnalysis, openApp } from './helpers.mjs';

test('a predict-then-reveal round: hidden result, a guess dragged on the axis, the reveal', async ({ page }, testInfo) => {
  const problems = await openApp(page, '?outcome=serious_adverse_events&model=DL&presenter=1');
  await page.getByTestId('predict-toggle').check();
  await expect(page).toHaveURL(/predict=1/);
  await expect(page.getByTestId('predict-status')).toContainText('The next change hides the new result');
  // A change: the new result is hidden everywhere it would show.
  // On the projector the controls wait behind one button; the keyboard shortcuts stay.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('8');
  await expect(page.getByTestId('pooled-estimate')).toHaveText('?');
  await expect(page.getByTestId('pooled-estimate')).toHaveAttribute('data-value', '');
  await expect(page.getByTestId('change-note')).toContainText('-> ? (CHRONOS excluded)');
  // The presenter drags along the plot's axis to the group's guess.
  const box = await page.getByTestId('forest-plot').boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.66, box.y + box.height * 0.7, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('predict-status')).toContainText('(guess: ');
  const guess = Number(await page.getByTestId('predict-guess-input').inputValue());
  expect(guess).toBeGreaterThan(0.2);
  expect(guess).toBeLessThan(5);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
  await page.screenshot({ path: testInfo.outputPath('presenter-predict-guess.png') });
  // Reveal: the engine's result, and the guess with its distance.
  await page.getByTestId('predict-reveal').click();
  const expected = expectedAnalysis({ outcome: 'serious_adverse_events', exclude: ['chronos'], measure: 'RR', method: 'DL' });
  await expectPooled(page, expected);
  const ratio = guess / expected.pooled.estimate;
  await expect(page.getByTestId('predict-result')).toContainText(`Guess ${guess.toFixed(2)}, pooled RR ${expected.pooled.estimate.toFixed(2)}: the guess was`);
  await expect(page.getByTestId('predict-result')).toContainText(`(${ratio.toFixed(2)} times the pooled value)`);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
  await page.screenshot({ path: testInfo.outputPath('presenter-predict-reveal.png') });
  // The next change to the result starts a new round (a change that leaves it where it was,
  // such as REML giving DL's answer here, does not); a guess can also be typed.
  await page.getByTestId('presenter-controls').click();
  await page.getByTestId('measure-select').selectOption('OR');
  await expect(page.getByTestId('pooled-estimate')).toHaveText('?');
  await page.getByTestId('predict-guess-input').fill('0.5');
  await page.getByTestId('predict-guess-input').press('Enter');
  await page.getByTestId('predict-reveal').click();
  await expect(page.getByTestId('predict-result')).toContainText('Guess 0.50, pooled OR');
  // Switched off, nothing is hidden any more.
  await page.getByTestId('predict-toggle').uncheck();
  await page.getByTestId('trial-toggle-chronos').check();
  await expect(page.getByTestId('pooled-estimate')).not.toHaveText('?');
  expect(problems).toEqual([]);
});
