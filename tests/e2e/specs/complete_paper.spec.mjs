import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openApp, shownValue } from './helpers.mjs';

/** Pastes `text` into an input as a spreadsheet's copy would arrive. */
async function paste(locator, text) {
  await locator.evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

test('complete the paper: an outcome filled by paste, labelled, checked against the paper, kept by the link', async ({ page }) => {
  const problems = await openApp(page, '', { clinician: true });
  const table = page.getByTestId('complete-paper');
  await expect(page.getByTestId('complete-paper-summary')).toContainText('(0 typed in)');
  await table.locator('summary').click();
  const skinRows = table.locator('[data-testid=paper-row][data-outcome=skin_infections]');
  const n = await skinRows.count();
  expect(n).toBeGreaterThan(0);
  await expect(table.locator('[data-testid=paper-status][data-outcome=skin_infections]')).toHaveText(`Skin infections: 0 of ${n} cells typed in.`);

  // A label first, so nothing claims the numbers came from the paper.
  await page.getByTestId('paper-label').fill('test values');
  await page.getByTestId('paper-label').press('Enter');
  const firstTrial = await skinRows.first().getAttribute('data-trial');
  const block = Array.from({ length: n }, (_, i) => `${2 + i}\t60\t${6 + i}\t61`).join('\r\n') + '\r\n';
  await paste(page.getByTestId(`paper-skin_infections-${firstTrial}-0`), block);
  await expect(table.locator('[data-testid=paper-status][data-outcome=skin_infections]'))
    .toContainText("every cell is in, but your counts do not reproduce the paper's result: RR");
  await expect(page.getByTestId('complete-paper-summary')).toContainText(`(${n} typed in)`);
  // The outcome on screen is the paper's analysis: its line says the same, with the same numbers.
  await expect(page.getByTestId('published-difference')).toContainText('With the counts entered by you, no cell is missing');
  const status = await table.locator('[data-testid=paper-status][data-outcome=skin_infections]').textContent();
  const estimate = await shownValue(page, 'pooled-estimate');
  expect(status).toContain(`RR ${estimate.toFixed(2)} (`);
  await expect(page).toHaveURL(/typed=skin_infections:all:/);
  await expect(page).toHaveURL(/test%2520values|test%20values/);

  // The plot's footnote gives the label, not "from the paper".
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const svg = readFileSync(await download.path()).toString('utf8');
  expect(svg).toContain('Counts entered by you labelled “test values”');
  expect(svg).not.toContain('entered by you from the paper');

  // Typed by keyboard in another outcome: a bad cell is named and kept, a good one counts.
  const herpesRows = table.locator('[data-testid=paper-row][data-outcome=herpes_infections]');
  const herpesTrial = await herpesRows.first().getAttribute('data-trial');
  const cell = (i) => page.getByTestId(`paper-herpes_infections-${herpesTrial}-${i}`);
  await cell(0).fill('x');
  await cell(0).press('Tab');
  await expect(page.getByTestId('paper-error')).toContainText('Herpesvirus infections');
  await expect(page.getByTestId('paper-error')).toContainText('"x" is not a whole number');
  await expect(cell(0)).toHaveValue('x');
  for (const [i, v] of ['3', '100', '4', '98'].entries()) {
    await cell(i).fill(v);
    await cell(i).press('Tab');
  }
  await expect(page.getByTestId('paper-error')).toBeEmpty();
  await expect(herpesRows.first()).toHaveClass(/filled/);
  // A row typed only in part is not yet a table: it is named, and kept.
  const partTrial = await herpesRows.nth(1).getAttribute('data-trial');
  const part = page.getByTestId(`paper-herpes_infections-${partTrial}-0`);
  await part.fill('5');
  await part.press('Tab');
  await expect(page.getByTestId('paper-error')).toContainText('empty; type a whole number');

  // A reload keeps every count, the label, and the row typed in part.
  await page.reload();
  await page.getByTestId('complete-paper').locator('summary').click();
  await expect(page.getByTestId('paper-label')).toHaveValue('test values');
  await expect(cell(1)).toHaveValue('100');
  await expect(page.getByTestId(`paper-herpes_infections-${partTrial}-0`)).toHaveValue('5');
  await expect(herpesRows.nth(1)).not.toHaveClass(/filled/);
  await expect(page.getByTestId('complete-paper-summary')).toContainText(`(${n + 1} typed in)`);
  expect(problems).toEqual([]);
});
