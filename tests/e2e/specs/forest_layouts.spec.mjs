import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openApp } from './helpers.mjs';

/** The forest plot as the SVG export draws it: every text element, in order. */
async function svgTexts(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const svg = readFileSync(await download.path()).toString('utf8');
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return [...doc.querySelectorAll('text')].map((t) => t.textContent.trim());
  }, svg);
}

test('forest layouts: JAMA and BMJ columns, follow-up and the pooled line, kept by the link', async ({ page }) => {
  const problems = await openApp(page, '', { clinician: true });
  await page.getByTestId('forest-options').locator('summary').click();
  const revman = await svgTexts(page);
  expect(revman).toContain('Study');
  expect(revman).toContain('Weight');
  expect(revman.some((t) => /^0\.\d\d \[0\.\d\d, \d\.\d\d\]$/.test(t))).toBe(true);

  await page.getByTestId('forest-layout').selectOption('jama');
  await expect(page.getByTestId('forest-layout-note')).toContainText('JAMA');
  await page.getByTestId('forest-weeks').check();
  await page.getByTestId('forest-refline').check();
  await expect(page).toHaveURL(/layout=jama/);
  await expect(page).toHaveURL(/fcols=weeks/);
  await expect(page).toHaveURL(/refline=1/);
  const jama = await svgTexts(page);
  for (const text of ['Source', 'Favors dupilumab', 'Favors placebo', 'Weeks', '52']) expect(jama).toContain(text);
  // No counts, no weights, no τ², and P values without a leading zero.
  expect(jama).not.toContain('Weight');
  expect(jama.some((t) => t.includes('Tau²'))).toBe(false);
  expect(jama.some((t) => /P (=|<) \.\d/.test(t))).toBe(true);
  expect(jama.some((t) => /^0\.\d\d \(0\.\d\d-\d\.\d\d\)$/.test(t))).toBe(true);

  // A reload and a link in a new page keep the layout and its columns.
  const link = page.url();
  await page.reload();
  await page.getByTestId('forest-options').locator('summary').click();
  await expect(page.getByTestId('forest-layout')).toHaveValue('jama');
  const other = await page.context().newPage();
  await openApp(other, link.slice(link.indexOf('?')));
  await other.getByTestId('forest-options').locator('summary').click();
  await expect(other.getByTestId('forest-weeks')).toBeChecked();
  await expect(other.getByTestId('forest-refline')).toBeChecked();

  await page.getByTestId('forest-layout').selectOption('bmj');
  const bmj = await svgTexts(page);
  for (const text of ['Study', 'Weight (%)', 'Favours dupilumab']) expect(bmj).toContain(text);
  expect(bmj.some((t) => /^0\.\d\d \(0\.\d\d to \d\.\d\d\)$/.test(t))).toBe(true);
  expect(problems).toEqual([]);
});

test('forest layouts: risk-of-bias dots beside each trial once the trials have judgments', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=rob');
  await page.getByTestId('rob-copy').click();
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  await page.getByTestId('rob-0-Overall').selectOption('high');
  await page.getByTestId('rob-1-D1').selectOption('some concerns');
  await page.getByTestId('forest-options').locator('summary').click();
  await page.getByTestId('forest-rob').check();
  await expect(page).toHaveURL(/fcols=rob/);
  const texts = await svgTexts(page);
  for (const text of ['D1', 'D5', 'O', '×', '−']) expect(texts).toContain(text);
  expect(texts.some((t) => t.startsWith('Risk of bias (RoB 2): D1 randomisation process'))).toBe(true);
});
