// The wrong-number class: every number on screen and in the exports comes from the one analysis
// the pooled value comes from, and every control shows the choice that analysis used.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectedAnalysis, expectPooled, openApp, shownValue } from './helpers.mjs';

async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return readFileSync(await file.path()).toString('utf8');
}

/** CSV lines split into cells (quoted cells may hold commas). */
function cells(csv) {
  return csv.trim().split('\n').map((line) => {
    const out = [];
    let cell = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) { out.push(cell); cell = ''; } else cell += ch;
    }
    out.push(cell);
    return out;
  });
}

test('eczema herpeticum, Peto, CHRONOS alone: its row and the pool are one number, in the page and the CSV', async ({ page }) => {
  await openApp(page, '?outcome=eczema_herpeticum');
  const expected = expectedAnalysis({ outcome: 'eczema_herpeticum', measure: 'PETO', method: 'PETO' });
  await expectPooled(page, expected);
  expect(expected.k).toBe(1);
  const row = expected.studies[0];
  expect(row.estimate).toBeCloseTo(expected.pooled.estimate, 12);
  const csv = cells(await download(page, 'export-csv'));
  const header = csv[0];
  const col = (name) => header.indexOf(name);
  const chronos = csv.find((r) => r[col('study')].startsWith('CHRONOS'));
  const pooled = csv.find((r) => r[col('row')] === 'pooled');
  expect(chronos[col('status')]).toBe('included');
  for (const name of ['estimate', 'ci_lower', 'ci_upper']) {
    expect(Number(chronos[col(name)])).toBeCloseTo(Number(pooled[col(name)]), 12);
  }
  expect(pooled[col('measure')]).toBe('Peto OR');
  expect(pooled[col('model')]).toBe('Common effect, Peto');
  expect(pooled[col('outcome')]).toBe('Eczema herpeticum');
  await expect(page.getByTestId('zero-scope-select')).toBeDisabled();
  await expect(page.getByTestId('zero-cell-note')).toContainText('raw counts');
});

test('a measure the model cannot pool moves the model, visibly, and the marker says both', async ({ page }) => {
  await openApp(page, '?outcome=eczema_herpeticum');
  await page.getByTestId('measure-select').selectOption('OR');
  await expect(page.getByTestId('model-select')).toHaveValue('MH');
  await expect(page.getByTestId('control-notice')).toContainText('cannot pool the OR');
  await expect(page.locator('.pooled-label')).toHaveText('Pooled OR ');
  await expect(page).toHaveURL(/measure=OR&model=MH/);
  await expectPooled(page, expectedAnalysis({ outcome: 'eczema_herpeticum', measure: 'OR', method: 'MH' }));
  const csv = cells(await download(page, 'export-csv'));
  expect(csv.slice(1).every((r) => r[1] === 'OR')).toBe(true);
  // And back: choosing Peto's method brings the Peto OR with it.
  await page.getByTestId('model-select').selectOption('PETO');
  await expect(page.getByTestId('measure-select')).toHaveValue('PETO');
  await expect(page.getByTestId('control-notice')).toContainText('so the effect measure changed to Peto OR');
});

test('the change marker reports only changes to the analysis', async ({ page }) => {
  await openApp(page);
  const note = page.getByTestId('change-note');
  await page.getByTestId('zero-add-select').selectOption('0.1');
  await page.getByTestId('presenter-toggle').check();
  await expect(note).toBeEmpty();
  await page.getByTestId('presenter-toggle').uncheck();
  await page.getByTestId('trial-toggle-chronos').click();
  await expect(note).toContainText('CHRONOS excluded');
  await expect(note).not.toContainText('zero-cell');
  // Exports leave the transient marker out and name what was analysed instead.
  const svg = await download(page, 'export-svg');
  expect(svg).not.toContain('CHRONOS excluded');
  expect(svg).toContain('Skin infections · RR · Random effects, M-H (RevMan 5)');
  // A trial with no count for this outcome changes no number, and no note reports it; a model
  // whose zero-cell rule differs says nothing of zero cells where no trial has one.
  await page.getByTestId('trial-toggle-beck_c4').click();
  await expect(note).toContainText('CHRONOS excluded');
  await page.getByTestId('model-select').selectOption('MH');
  await expect(note).toContainText('model: Common effect');
  await expect(note).not.toContainText('zero-cell');
  await expect(note).not.toContainText('Beck 2014 C4');
});

test('a link with an out-of-range parameter says what it ignored', async ({ page }) => {
  await openApp(page, '?outcome=eczema_herpeticum&measure=RR&model=REML&add=1e308');
  await expect(page.getByTestId('control-notice')).toContainText('Ignored from the link: add=1e308');
  await expect(page.getByTestId('zero-add-select')).toHaveValue('0.5');
  await expectPooled(page, expectedAnalysis({ outcome: 'eczema_herpeticum', measure: 'RR', method: 'REML' }));
});

test('with nothing estimable the counts say nothing was pooled', async ({ page }) => {
  await openApp(page, '?outcome=eczema_herpeticum&measure=RR&model=REML&to=none');
  await expect(page.getByTestId('pooled-estimate')).toContainText('No pooled estimate');
  await expect(page.getByTestId('coverage')).toContainText('0 pooled');
  await expect(page.getByTestId('coverage')).toContainText('not estimable');
});

test('a block pasted from a spreadsheet (tabs) and duplicate names', async ({ page }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  const tsv = 'study\tevents_treatment\ttotal_treatment\tevents_control\ttotal_control\nSmith\t3\t40\t6\t41\nJones\t5\t60\t11\t58\nSmith\t2\t25\t7\t24\n';
  await page.getByTestId('import-text').fill(tsv);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-errors')).toBeEmpty();
  await expect(page.getByTestId('import-warnings')).toContainText('Duplicate study names');
  await expect(page.getByTestId('trial-toggle-row1')).toBeVisible();
  await expect(page.locator('label', { has: page.getByTestId('trial-toggle-row3') })).toContainText('Smith (row 3)');
  const csv = await download(page, 'export-csv');
  expect(csv).toContain('Smith (row 1)');
  expect(csv).toContain('Smith (row 3)');
  expect(await shownValue(page, 'pooled-estimate')).toBeGreaterThan(0);
});

test('a risk difference page has one unit: τ and τ² in percentage points like the estimate', async ({ page }) => {
  await openApp(page, '?set=bcg-colditz1994&measure=RD&model=DL');
  const expected = expectedAnalysis({ dataset: 'bcg.json', outcome: 'tb', measure: 'RD', method: 'DL' });
  const tau2 = expected.heterogeneity.tau2;
  expect(tau2).toBeGreaterThan(0);
  await expect(page.getByTestId('heterogeneity-tau2')).toHaveText(`${(tau2 * 1e4).toFixed(3)} pp²`);
  await expect(page.locator('.results-panel')).toContainText(`τ² = ${(tau2 * 1e4).toFixed(4)} pp²`);
  await expect(page.locator('.results-panel')).toContainText(`τ = ${(Math.sqrt(tau2) * 100).toFixed(4)} pp`);
  // The explanation works on the proportion scale and ends in the number shown.
  await page.getByTestId('heterogeneity-tau2').click();
  await expect(page.getByTestId('explain-value')).toHaveText(`${(tau2 * 1e4).toFixed(4)} pp²`);
  await expect(page.getByTestId('explain-panel')).toContainText('in percentage points squared: × 10,000');
});
