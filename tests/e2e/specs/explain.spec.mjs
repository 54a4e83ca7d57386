// Explain this number (#11): each number opens its formula and the engine's substituted
// arithmetic, ending in the number on screen; the trials it comes from are highlighted. The
// native test explain::every_explained_number_equals_the_displayed_one_for_every_model_and_measure
// holds every number of every model and measure; these tests hold the page's wiring.
import { test, expect } from '@playwright/test';
import { openApp, shownValue } from './helpers.mjs';

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

test('every number in the list explains itself down to the number shown, under each model', async ({ page }) => {
  const problems = await openApp(page);
  for (const [outcome, query] of [
    ['conjunctivitis', 'model=REVMAN'],
    ['conjunctivitis', 'model=REML&knha=1&pi=t2'],
    ['conjunctivitis', 'model=MH&measure=OR'],
    ['eczema_herpeticum', 'model=PETO&measure=PETO'],
    ['injection_site_reactions', 'model=IV&measure=RD'],
  ]) {
    await openApp(page, `?outcome=${outcome}&${query}`);
    // The summary's numbers are buttons; each opens its explanation, whose value is the shown one.
    for (const testid of ['pooled-estimate', 'pooled-ci-lower', 'pooled-ci-upper', 'heterogeneity-q', 'heterogeneity-i2']) {
      if (await page.getByTestId(testid).count() === 0) continue; // no heterogeneity with one trial
      await page.getByTestId(testid).click();
      await expect(page.getByTestId('explain-panel')).toBeVisible();
      expect(close(await shownValue(page, 'explain-value'), await shownValue(page, testid)), `${query} ${testid}`).toBe(true);
    }
    // Every entry of the list (built when the list has the focus): the explanation ends in the
    // value the list shows for it.
    await page.getByTestId('explain-select').focus();
    const options = await page.getByTestId('explain-select').locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    expect(options.length).toBeGreaterThan(10);
    for (const [code, label] of options.slice(1)) {
      await page.getByTestId('explain-select').selectOption(code);
      await expect(page.getByTestId('explain-value')).toHaveText(label.split(/: (?:estimate |lower CI |upper CI |weight )?/).pop(), { timeout: 2000 });
      expect(await page.getByTestId('explain-step-0').textContent(), `${query} ${code}`).not.toBe('');
    }
  }
  expect(problems).toEqual([]);
});

test('a trial weight names its inputs, follows the trial, and the keyboard reaches it', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&model=DL');
  await page.getByTestId('explain-select').focus();
  await page.getByTestId('explain-select').selectOption('weight:solo1');
  await expect(page.getByTestId('explain-formula')).toHaveText('wᵢ = 1/(vᵢ + τ²)');
  await expect(page.getByTestId('explain-step-0')).toContainText('w = 1/(');
  await expect(page.getByTestId('study-row-solo1')).toHaveClass(/explain-input/);
  await expect(page.getByTestId('study-row-solo2')).not.toHaveClass(/explain-input/);
  // Another trial switched off: the weight is recomputed for the same trial.
  const before = await shownValue(page, 'explain-value');
  await page.getByTestId('trial-toggle-solo2').uncheck();
  await expect.poll(() => shownValue(page, 'explain-value')).not.toBe(before);
  // The trial itself switched off: the page says its number is not shown now.
  await page.getByTestId('trial-toggle-solo1').uncheck();
  await expect(page.getByTestId('explain-missing')).toBeVisible();
  await page.getByTestId('trial-toggle-solo1').check();
  await expect(page.getByTestId('explain-panel')).toBeVisible();
  await page.getByTestId('explain-close').click();
  await expect(page.getByTestId('explain-panel')).toHaveCount(0);
  // The keyboard: the list is in the tab order, and choosing from it with the keys opens the number.
  await page.getByTestId('explain-select').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('explain-formula')).toHaveText('μ = Σwᵢyᵢ / Σwᵢ');
  expect(close(await shownValue(page, 'explain-value'), await shownValue(page, 'pooled-estimate'))).toBe(true);
});

test('presenter mode: an explanation fits 1280x720 beside the plot', async ({ page }, testInfo) => {
  await openApp(page, '?outcome=conjunctivitis&model=REVMAN&presenter=1');
  await page.getByTestId('pooled-estimate').click();
  await expect(page.getByTestId('explain-panel')).toBeVisible();
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
  await page.screenshot({ path: testInfo.outputPath('presenter-explain.png') });
});

test('the list of numbers to explain is there when it opens: built as the pointer comes near', async ({ page }) => {
  await openApp(page);
  const select = page.getByTestId('explain-select');
  await expect(select.locator('option')).toHaveCount(1);
  await select.hover();
  await expect.poll(() => select.locator('option').count()).toBeGreaterThan(10);
  await page.mouse.move(5, 700);
  await expect(select.locator('option')).toHaveCount(1);
});
