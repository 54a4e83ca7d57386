// The convention lens (#11): one-click presets of each tool's defaults, the controls showing
// what the preset chose, and the rule-by-rule table between two conventions, each number held
// to the native engine with the same preset (the presets themselves are cross-checked against
// metafor in crates/livemeta-core/tests/metafor_crosscheck/pooling.rs).
import { test, expect } from '@playwright/test';
import { expectPooled, expectedAnalysis, openApp, shownValue } from './helpers.mjs';

const bcg = (preset) => expectedAnalysis({ dataset: 'bcg.json', outcome: 'tb', measure: 'RR', method: 'REML', extra: ['--preset', preset] });

// What each preset must set on the page's own controls.
const presets = {
  revman5: { label: 'RevMan 5', model: 'REVMAN', knha: false, pi: 'off', drop00: true },
  revman2025: { label: 'RevMan (2025 methods)', model: 'REML', knha: true, pi: 't2', drop00: true, q: 'iv', i2: 'tau2' },
  metafor: { label: 'metafor', model: 'REML', knha: false, pi: 'z', drop00: false, q: 'iv', i2: 'tau2' },
  meta: { label: 'R meta', model: 'REML', knha: false, pi: 'off', drop00: true, q: 'iv', i2: 'q' },
  stata: { label: 'Stata meta', model: 'REML', knha: false, pi: 'off', drop00: false, q: 'iv', i2: 'tau2' },
};

test('each preset is one click: the controls show its choices and the page equals the engine with that preset', async ({ page }) => {
  const problems = await openApp(page, '?set=bcg-colditz1994&view=lens');
  for (const [code, want] of Object.entries(presets)) {
    await page.getByTestId(`preset-use-${code}`).click();
    await expect(page.getByTestId('convention-match')).toHaveText(`Your analysis follows ${want.label}'s defaults.`);
    await expect(page.getByTestId(`preset-use-${code}`)).toHaveAttribute('aria-pressed', 'true');
    const expected = bcg(code);
    await expectPooled(page, expected);
    expect(await shownValue(page, 'heterogeneity-i2')).toBeCloseTo(expected.heterogeneity.i2, 9);
    await expect(page.getByTestId('model-select')).toHaveValue(want.model);
    expect(await page.getByTestId('knha-toggle').isChecked()).toBe(want.knha);
    await expect(page.getByTestId('prediction-select')).toHaveValue(want.pi);
    expect(await page.getByTestId('drop00-toggle').isChecked()).toBe(want.drop00);
    if (want.q) {
      await expect(page.getByTestId('q-centre-select')).toHaveValue(want.q);
      await expect(page.getByTestId('i2-from-select')).toHaveValue(want.i2);
    } else {
      await expect(page.getByTestId('heterogeneity-rule-note')).toContainText('Q around the Mantel-Haenszel estimate');
    }
    // The link carries the preset's choices: reloading it gives the same analysis.
    await page.reload();
    await expect(page.getByTestId('convention-match')).toHaveText(`Your analysis follows ${want.label}'s defaults.`);
    await expectPooled(page, expected);
  }
  // A rule changed by hand: the analysis follows no preset any more, and says so.
  await page.getByTestId('i2-from-select').selectOption('q');
  await expect(page.getByTestId('convention-match')).toContainText('follows none of these presets');
  expect(problems).toEqual([]);
});

test('the lens walks from RevMan 5 to RevMan 2025 a rule at a time, ending at RevMan 2025', async ({ page }) => {
  await openApp(page, '?set=bcg-colditz1994&view=lens&lens=revman5,revman2025');
  const [from, to] = [bcg('revman5'), bcg('revman2025')];
  await expect(page.getByTestId('lens-start')).toHaveAttribute('data-value', /.+/);
  expect(await shownValue(page, 'lens-start')).toBeCloseTo(from.pooled.ci_upper, 9);
  const steps = page.locator('[data-testid^="lens-step-"]');
  await expect(steps).toHaveCount(5);
  await expect(steps.nth(0)).toContainText("Cochran's Q around");
  await expect(steps.nth(3)).toContainText('Knapp-Hartung (HKSJ)');
  expect(Number(await steps.nth(4).getAttribute('data-value'))).toBeCloseTo(to.pooled.ci_upper, 9);
  // The shares of the change add up to the whole change.
  const shares = await page.locator('[data-testid^="lens-share-"]').allTextContents();
  const total = shares.map((s) => Number(s.replace('%', '').replace('−', '-'))).reduce((a, b) => a + b, 0);
  expect(Math.abs(total - 100)).toBeLessThanOrEqual(shares.length);
  await expect(page.getByTestId('lens-headline')).toContainText('Switching RevMan 5 → RevMan (2025 methods) moves the');
  await expect(page.getByTestId('lens-headline')).toContainText('% of that is the rule');
  // Comparing the analysis as chosen with a preset: after using that preset, nothing differs.
  await page.getByTestId('lens-from').selectOption('current');
  await page.getByTestId('lens-to').selectOption('stata');
  await expect(page).toHaveURL(/lens=current,stata/);
  await page.getByTestId('preset-use-stata').click();
  await expect(page.getByTestId('lens-headline')).toHaveText('Your analysis and Stata meta follow the same rules here: nothing to compare.');
});
