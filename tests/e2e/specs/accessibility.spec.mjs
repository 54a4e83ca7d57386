// Accessible names, tab order and an axe-core audit of the page, as a screen-reader or keyboard
// user meets it.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openApp } from './helpers.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function audit(page) {
  // Evaluated over the DevTools protocol, so the page's Content-Security-Policy stays as it is.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

for (const [name, query] of [['default view', ''], ['presenter mode', '?presenter=1'], ['eczema herpeticum', '?outcome=eczema_herpeticum']]) {
  test(`axe-core finds no violations: ${name}`, async ({ page }) => {
    await openApp(page, query);
    expect(await audit(page)).toEqual([]);
  });
}

test('controls are named by what they are, without shortcut digits', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('checkbox', { name: 'SOLO 1', exact: true })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'CHRONOS', exact: true })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Zero cells: add the correction to' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Effect measure' })).toBeVisible();
});

test('the first Tab offers a skip link that lands on the results', async ({ page }) => {
  await openApp(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the results' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#results')).toBeFocused();
  // From the results, the export buttons are past the pooled line's numbers and defined terms
  // (each a stop of its own), not past the trial list.
  let presses = 0;
  while (presses < 30 && await page.evaluate(() => document.activeElement?.dataset.testid) !== 'export-svg') {
    await page.keyboard.press('Tab');
    presses += 1;
  }
  expect(presses).toBeLessThan(16);
});
