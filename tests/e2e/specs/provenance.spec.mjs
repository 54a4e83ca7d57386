import { test, expect } from '@playwright/test';
import { expectedAnalysis, openApp, shownValue } from './helpers.mjs';

test('the dose selector pools a single regimen as the engine does', async ({ page }) => {
  await openApp(page);
  for (const dose of ['d300qw', 'd300q2w', 'all']) {
    await page.getByTestId('dose-select').selectOption(dose);
    const expected = expectedAnalysis({ outcome: 'skin_infections', dose, measure: 'RR', method: 'REVMAN' });
    await expect(page.getByTestId('pooled-estimate')).toHaveText(expected.pooled.estimate.toFixed(2));
    expect(await shownValue(page, 'pooled-estimate')).toBeCloseTo(expected.pooled.estimate, 9);
  }
  await expect(page).toHaveURL(/dose=all/);
});

test('a count shows its source on keyboard focus, with a link', async ({ page }, testInfo) => {
  await openApp(page);
  const count = page.getByTestId('count-chronos-control');
  await expect(count).toContainText('56/315');
  await count.focus();
  const tooltip = count.locator('.provenance');
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText('17.8');
  // The primary source leads; the copy the number was read from comes second, said for what it is.
  const links = tooltip.getByRole('link');
  await expect(links.first()).toHaveText('Source: clinicaltrials.gov/study/NCT02260986');
  await expect(links.first()).toHaveAttribute('href', 'https://clinicaltrials.gov/study/NCT02260986');
  await expect(links.nth(1)).toHaveText('Copy read');
  await expect(links.nth(1)).toHaveAttribute('href', /^https:\/\/github\.com\//);
  await expect(tooltip).toContainText('test file of an unrelated public software repository');
  await expect(tooltip).toContainText('Placebo weekly + topical corticosteroids (52 weeks): 56 of 315');
  // The tooltip of the last row stays inside the page.
  const box = await tooltip.boundingBox();
  const page_height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(box.y + box.height).toBeLessThanOrEqual(page_height);
  await page.screenshot({ path: testInfo.outputPath('provenance-tooltip.png'), fullPage: true });
});

test('trials without data are shown as not reported and counted', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('coverage')).toHaveText('2 of 8 trials reported this outcome; 2 pooled.');
  await expect(page.getByTestId('study-row-solo1')).toContainText('not reported');
  // Which "not reported" it is, and where we looked.
  await page.getByTestId('searched-solo1').locator('summary').click();
  await expect(page.getByTestId('searched-solo1')).toContainText('ClinicalTrials.gov results record');
  await page.getByTestId('outcome-select').selectOption('infections_all');
  await expect(page.getByTestId('coverage')).toHaveText('0 of 8 trials reported this outcome; 0 pooled.');
  await expect(page.getByTestId('pooled-estimate')).toContainText('No pooled estimate');
});

test('the published result sits beside the live one, and the difference is stated', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('published-reference')).toContainText('Published (Fleming 2018): RR 0.54 (0.42-0.70)');
  await expect(page.getByTestId('published-difference')).toContainText('differs from the published one');
  await page.getByTestId('outcome-select').selectOption('eczema_herpeticum');
  await expect(page.getByTestId('published-reference')).toContainText('Peto OR 0.34 (0.14-0.84)');
});
