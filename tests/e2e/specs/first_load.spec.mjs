import { test, expect } from '@playwright/test';
import { expectedAnalysis, openApp, shownValue } from './helpers.mjs';

test('the page loads, pools the default outcome as the engine does, and fetches nothing off-site', async ({ page }) => {
  const problems = await openApp(page);
  const expected = expectedAnalysis({ outcome: 'skin_infections', measure: 'RR', method: 'REVMAN' });
  expect(await shownValue(page, 'pooled-estimate')).toBeCloseTo(expected.pooled.estimate, 9);
  expect(await shownValue(page, 'pooled-ci-lower')).toBeCloseTo(expected.pooled.ci_lower, 9);
  expect(await shownValue(page, 'pooled-ci-upper')).toBeCloseTo(expected.pooled.ci_upper, 9);
  expect(await shownValue(page, 'heterogeneity-q')).toBeCloseTo(expected.heterogeneity.q, 9);
  await expect(page.getByTestId('forest-plot')).toBeVisible();
  expect(problems).toEqual([]);
});

test('switching a trial off recomputes the pool, and switching it back restores it', async ({ page }, testInfo) => {
  await openApp(page);
  const before = await page.getByTestId('pooled-estimate').textContent();
  const all = expectedAnalysis({ outcome: 'skin_infections', measure: 'RR', method: 'REVMAN' });
  const without = expectedAnalysis({ outcome: 'skin_infections', exclude: ['chronos'], measure: 'RR', method: 'REVMAN' });

  await page.getByTestId('trial-toggle-chronos').click();
  await expect(page.getByTestId('pooled-estimate')).toHaveText(without.pooled.estimate.toFixed(2));
  expect(await shownValue(page, 'pooled-estimate')).toBeCloseTo(without.pooled.estimate, 9);
  await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
  await page.screenshot({ path: testInfo.outputPath('chronos-excluded.png'), fullPage: true });

  await page.getByTestId('trial-toggle-chronos').click();
  await expect(page.getByTestId('pooled-estimate')).toHaveText(before);
  expect(await shownValue(page, 'pooled-estimate')).toBeCloseTo(all.pooled.estimate, 9);
});

test('default view screenshot', async ({ page }, testInfo) => {
  await openApp(page);
  await page.screenshot({ path: testInfo.outputPath('default-view.png'), fullPage: true });
});

test('the canvas is sized by devicePixelRatio', async ({ browser }) => {
  const context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await openApp(page);
  const size = await page.getByTestId('forest-plot').evaluate((c) => ({
    width: c.width, height: c.height, cssWidth: c.getBoundingClientRect().width, cssHeight: c.getBoundingClientRect().height,
  }));
  expect(size.width).toBe(Math.round(size.cssWidth * 2));
  expect(size.height).toBe(Math.round(size.cssHeight * 2));
  await context.close();
});
