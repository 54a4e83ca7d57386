import { test, expect } from '@playwright/test';
import { expectedAnalysis, expectedFromCsv, expectPooled, openApp } from './helpers.mjs';

const skin = (over = {}) => expectedAnalysis({ outcome: 'skin_infections', measure: 'RR', method: 'REVMAN', ...over });

test('effect measure and model selects recompute as the engine does', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('measure-select').selectOption('OR');
  await expectPooled(page, skin({ measure: 'OR' }));
  await page.getByTestId('measure-select').selectOption('RR');
  for (const method of ['REML', 'DL', 'PM', 'MH', 'IV']) {
    await page.getByTestId('model-select').selectOption(method);
    await expectPooled(page, skin({ method }));
  }
});

test('Knapp-Hartung and the prediction interval', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('model-select').selectOption('REML');
  await page.getByTestId('knha-toggle').check();
  await expectPooled(page, skin({ method: 'REML', extra: ['--knha'] }));
  await expect(page.getByTestId('pooled-model')).toContainText('Knapp-Hartung (HKSJ)');
  // The modified form never gives a CI narrower than Wald's (metafor test = "adhoc").
  await page.getByTestId('knha-adhoc-toggle').check();
  await expect(page).toHaveURL(/knha=adhoc/);
  await expectPooled(page, skin({ method: 'REML', extra: ['--adhoc'] }));
  await expect(page.getByTestId('pooled-model')).toContainText('modified Knapp-Hartung');
  await page.getByTestId('knha-toggle').uncheck();
  await expect(page.getByTestId('knha-adhoc-toggle')).toHaveCount(0);
  await page.getByTestId('prediction-select').selectOption('z');
  const expected = skin({ method: 'REML', extra: ['--pi', 'z'] });
  await expect(page.getByTestId('result-prediction')).toContainText(expected.prediction.lower.toFixed(2));
  await expect(page.getByTestId('result-prediction')).toContainText(expected.prediction.upper.toFixed(2));
});

test('outcome select restores the published method (Peto OR for eczema herpeticum)', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('outcome-select').selectOption('eczema_herpeticum');
  await expect(page.getByTestId('model-select')).toHaveValue('PETO');
  await expectPooled(page, expectedAnalysis({ outcome: 'eczema_herpeticum', measure: 'PETO', method: 'PETO' }));
});

test('the arcsine difference: pooled by inverse variance as the engine does, with no correction and the reason beside the greyed controls', async ({ page }) => {
  await openApp(page, '?outcome=skin_infections');
  await page.getByTestId('measure-select').selectOption('AS');
  // RevMan 5's M-H random model cannot pool it: the model moves to DerSimonian-Laird and says so.
  await expect(page.getByTestId('model-select')).toHaveValue('DL');
  await expectPooled(page, skin({ measure: 'AS', method: 'DL' }));
  await expect(page).toHaveURL(/measure=AS/);
  await page.goto('/index.html?outcome=eczema_herpeticum&dose=all&measure=RR&model=MH&methods=1');
  await page.getByTestId('measure-select').selectOption('AS');
  await expect(page.getByTestId('model-select')).toHaveValue('IV');
  await expectPooled(page, expectedAnalysis({ outcome: 'eczema_herpeticum', measure: 'AS', method: 'IV' }));
  await expect(page.getByTestId('zero-add-select')).toBeDisabled();
  await expect(page.getByTestId('zero-cell-note')).toContainText('The arcsine difference needs no correction');
  await expect(page.getByTestId('pooled-estimate')).toContainText(/−?\d\.\d{3}\b/);
});

test('zero-cell correction changes the estimate of a zero-cell trial', async ({ page }) => {
  await openApp(page, '?outcome=eczema_herpeticum&dose=all&measure=RR&model=REML');
  const eh = (extra) => expectedAnalysis({ outcome: 'eczema_herpeticum', measure: 'RR', method: 'REML', extra });
  await expectPooled(page, eh([]));
  await page.getByTestId('zero-add-select').selectOption('0.25');
  await expectPooled(page, eh(['--add', '0.25']));
  await page.getByTestId('zero-scope-select').selectOption('all');
  await expectPooled(page, eh(['--add', '0.25', '--to', 'all']));
  // Without a correction the only trial has a zero cell: nothing can be pooled, and the page says so.
  await page.getByTestId('zero-scope-select').selectOption('none');
  await expect(page.getByTestId('pooled-estimate')).toContainText('No pooled estimate');
});

test('trial bulk controls: none, all, invert, monotherapy only, TCS only', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('trials-none').click();
  await expect(page.getByTestId('pooled-estimate')).toContainText('No pooled estimate');
  await page.getByTestId('trials-all').click();
  await expectPooled(page, skin());
  await page.getByTestId('trials-monotherapy').click();
  await expectPooled(page, skin({ exclude: ['chronos'] }));
  await page.getByTestId('trials-tcs').click();
  await expectPooled(page, skin({ exclude: ['beck_m12'] }));
  await page.getByTestId('trials-invert').click();
  await expectPooled(page, skin({ exclude: ['chronos'] }));
});

test('comparison diamond: the other model is computed and shown', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('compare-toggle').check();
  const mh = skin({ method: 'MH' });
  await expect.poll(async () => Number(await page.getByTestId('comparison-estimate').getAttribute('data-value'))).toBeCloseTo(mh.pooled.estimate, 9);
});

test('imported data: errors name line and field, text is kept, double-zero option acts', async ({ page }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  const bad = 'study,events_treatment,total_treatment,events_control,total_control\nA,3,40,x,41\nB,50,20,1,20\n';
  await page.getByTestId('import-text').fill(bad);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-errors')).toContainText('line 2 (study "A"), field events_control: "x" is not a whole number');
  await expect(page.getByTestId('import-errors')).toContainText('line 3 (study "B"), field events_treatment');
  await expect(page.getByTestId('import-text')).toHaveValue(bad);
  // The errors take the result's place: no earlier result stands as if it answered the paste.
  await expect(page.getByTestId('import-problems')).toContainText('line 2 (study "A"), field events_control');
  await expect(page.getByTestId('pooled-estimate')).toBeHidden();
  await expect(page.getByTestId('forest-plot')).toBeHidden();
  const good = 'study,events_treatment,total_treatment,events_control,total_control\nA,3,40,6,41\nB,0,30,0,31\nC,5,60,11,58\nD,2,25,7,24\n';
  await page.getByTestId('import-text').fill(good);
  await page.getByTestId('import-apply').click();
  // The table behind the plot shows the counts given, not an empty provenance (was "0/0").
  await expect(page.getByTestId('count-row3-treatment')).toHaveText('5/60');
  await expect(page.getByTestId('count-row3-control')).toHaveText('11/58');
  await expect(page.getByTestId('study-row-row3')).toContainText('your data');
  await page.getByTestId('model-select').selectOption('REML');
  await expectPooled(page, expectedFromCsv(good, { measure: 'RR', method: 'REML' }));
  await page.getByTestId('drop00-toggle').check();
  await expectPooled(page, expectedFromCsv(good, { measure: 'RR', method: 'REML', extra: ['--drop00', 'true'] }));
  // Back on the bundled trials, the outcome's published method applies again.
  await page.getByTestId('import-reset').click();
  await expect(page.getByTestId('model-select')).toHaveValue('REVMAN');
  await expectPooled(page, skin());
});

test('keyboard: digits toggle trials, c and r switch models, p presenter mode', async ({ page }) => {
  await openApp(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('8');
  await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
  await expectPooled(page, skin({ exclude: ['chronos'] }));
  await page.keyboard.press('8');
  await page.keyboard.press('c');
  await expectPooled(page, skin({ method: 'MH' }));
  await page.keyboard.press('r');
  await expectPooled(page, skin());
  await page.keyboard.press('p');
  await expect(page.getByTestId('presenter-toggle')).toBeChecked();
});

test('every control is reachable with the keyboard', async ({ page }) => {
  await openApp(page);
  const reached = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    if (id) reached.add(id);
  }
  for (const id of ['outcome-select', 'dose-select', 'measure-select', 'model-select', 'trials-all', 'trial-toggle-chronos', 'knha-toggle', 'prediction-select']) {
    expect(reached, `Tab reaches ${id}`).toContain(id);
  }
});

test('outcome definition: where a trial reports the outcome in several ways, the reader picks which; the link keeps it', async ({ page }) => {
  await openApp(page, '?outcome=skin_infections&model=DL');
  const select = page.getByTestId('definition-select');
  // Each trial's first in the dataset's order, then the three definitions some trial reports.
  await expect(select.locator('option')).toHaveCount(4);
  // A preference, not a filter: the page says which trials it changed, or that it changed none.
  await select.selectOption('adjudicated_nonherpetic_ctgov');
  await expect(page.getByTestId('control-notice')).toHaveText("This definition changes no trial's counts: the trials that report it already used it, and the others keep their own.");
  await select.selectOption('adjudicated_nonherpetic_systemic_tx_ctgov');
  await expect(page.getByTestId('control-notice')).toHaveText('This definition changes the counts of CHRONOS; the other trials keep their own.');
  await expect(page).toHaveURL(/def=adjudicated_nonherpetic_systemic_tx_ctgov/);
  await expectPooled(page, expectedAnalysis({ outcome: 'skin_infections', definition: 'adjudicated_nonherpetic_systemic_tx_ctgov', measure: 'RR', method: 'DL' }));
  await page.reload();
  await expect(page.getByTestId('definition-select')).toHaveValue('adjudicated_nonherpetic_systemic_tx_ctgov');
  await select.selectOption('');
  await expectPooled(page, expectedAnalysis({ outcome: 'skin_infections', measure: 'RR', method: 'DL' }));
  // An outcome every trial reports one way offers no choice.
  await page.getByTestId('outcome-select').selectOption('infections_all');
  await expect(page.getByTestId('definition-select')).toHaveCount(0);
});

test('"Open your own data" at the top of the page opens the paste box, in view, with the cursor in it', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('own-data').click();
  await expect(page.getByTestId('import-text')).toBeFocused();
  await expect(page.getByTestId('import-text')).toBeInViewport();
  // A paste whose header lacks a column takes the result's place, with the reason, in full.
  await page.getByTestId('import-text').fill('study,events_treatment,total_treatment,events_control\nA,3,40,6\n');
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-problems')).toBeVisible();
  await expect(page.getByTestId('pooled-estimate')).toBeHidden();
  const box = await page.getByTestId('import-problems').boundingBox();
  const results = await page.locator('.results').boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(results.x + results.width + 1);
  await page.getByTestId('import-problems-dismiss').click();
  await expect(page.getByTestId('pooled-estimate')).toBeVisible();
});
