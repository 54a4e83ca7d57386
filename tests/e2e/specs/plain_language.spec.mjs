// What a newcomer stumbles on: every control that cannot act says why, and numbers read plainly.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { openApp } from './helpers.mjs';

/** The engine's glossary, as the command line prints it: term -> definition. */
function glossary() {
  const cli = new URL('../../../target/native/livemeta', import.meta.url).pathname;
  return Object.fromEntries(execFileSync(cli, ['glossary'], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t')));
}

test('controls that do not apply say so beside them', async ({ page }) => {
  await openApp(page, '?model=MH');
  await expect(page.getByTestId('knha-toggle')).toBeDisabled();
  await expect(page.getByTestId('knha-toggle')).not.toBeChecked();
  await expect(page.getByTestId('knha-note')).toContainText('random-effects models only');
  await page.getByTestId('prediction-select').selectOption('z');
  await expect(page.getByTestId('prediction-note')).toContainText('common-effect model');
  await expect(page.getByTestId('result-prediction')).toContainText('not defined');
  await page.getByTestId('model-select').selectOption('REML');
  await page.getByTestId('prediction-select').selectOption('t2');
  // Two trials: t on k - 2 df is not defined, and the page says so.
  await expect(page.getByTestId('prediction-note')).toContainText('at least 3 pooled trials');
});

test('a model whose zero-cell convention differs says it replaced the settings, and custom settings stay', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('drop00-toggle')).toBeChecked();
  await page.getByTestId('model-select').selectOption('REML');
  await expect(page.getByTestId('drop00-toggle')).not.toBeChecked();
  await expect(page.getByTestId('control-notice')).toContainText("Zero cells follow this model's convention");
  await page.getByTestId('zero-add-select').selectOption('0.1');
  await page.getByTestId('model-select').selectOption('DL');
  await expect(page.getByTestId('zero-add-select')).toHaveValue('0.1');
});

test('with imported data of one outcome there is nothing to choose: one outcome, no dose, no published value', async ({ page }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill('study,events_treatment,total_treatment,events_control,total_control\nA,3,40,6,41\nB,5,60,11,58\n');
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('outcome-select')).toBeDisabled();
  await expect(page.getByTestId('outcome-select')).toHaveValue('data');
  await expect(page.getByTestId('dose-select')).toHaveCount(0);
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  await expect(page.getByTestId('published-reference')).toHaveCount(0);
});

test('numbers read plainly: risk differences in percentage points, one trial has no heterogeneity', async ({ page }) => {
  await openApp(page, '?measure=RD&model=DL');
  await expect(page.locator('.pooled-label')).toHaveText('Pooled RD (percentage points) ');
  const shown = await page.getByTestId('pooled-estimate').textContent();
  const value = Number(await page.getByTestId('pooled-estimate').getAttribute('data-value'));
  expect(shown).toBe((value * 100).toFixed(1).replace('-', '−'));
  await openApp(page, '?dose=d300q2w');
  await expect(page.getByTestId('heterogeneity')).toHaveText('Heterogeneity: not applicable with one trial.');
  await expect(page.getByTestId('result-q')).toContainText('not informative with one trial');
  await expect(page.getByTestId('coverage')).toContainText('1 of 8 trials reported this outcome; 1 pooled.');
  await expect(page.locator('body')).not.toContainText('P = <');
  await expect(page.locator('body')).not.toContainText('1 trials');
});

test('terms on the main screen explain themselves on focus, from the engine\'s glossary', async ({ page }) => {
  const defined = glossary();
  await page.setViewportSize({ width: 1280, height: 720 });
  await openApp(page, '', { clinician: true });
  const model = page.locator('[data-testid="pooled-model"] [data-testid="term"]');
  await expect(model).toHaveText('Random effects, M-H (RevMan 5)');
  const definition = await model.getAttribute('data-definition');
  for (const term of ['Random effects', 'M-H', 'RevMan 5']) expect(definition).toContain(defined[term]);
  const i2 = page.locator('[data-testid="term"][data-term="I²"]');
  await i2.focus();
  await expect(i2).toHaveAttribute('aria-description', defined['I²']);
  // The note is drawn while the term has focus, and only then.
  const shown = () => i2.evaluate((el) => getComputedStyle(el, '::after').content);
  expect(await shown()).toBe(JSON.stringify(defined['I²']));
  await page.screenshot({ path: test.info().outputPath('term-focused.png') });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.getByTestId('undo').focus();
  expect(await shown()).toBe('none');
  await expect(page.locator('[data-testid="term"][data-term="GRADE"]')).toHaveAttribute('data-definition', defined.GRADE);
});
