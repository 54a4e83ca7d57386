import { test, expect } from '@playwright/test';
import { openApp, shownValue } from './helpers.mjs';

const row = (page, outcome) => page.locator(`[data-testid="sof-row"][data-outcome="${outcome}"]`);

test('the summary of findings has a row per outcome, each the analysis the outcome select gives', async ({ page }) => {
  await openApp(page, '', { clinician: true });
  const table = page.getByTestId('summary-of-findings');
  await expect(table).toBeVisible();
  await expect(table.getByTestId('sof-row')).toHaveCount(7);
  // The row on screen is the pooled line.
  const [estimate] = (await row(page, 'skin_infections').getByTestId('sof-relative').getAttribute('data-value')).split(',').map(Number);
  expect(estimate).toBe(await shownValue(page, 'pooled-estimate'));
  // Another outcome's row equals its analysis once the outcome is chosen.
  const other = (await row(page, 'serious_adverse_events').getByTestId('sof-relative').getAttribute('data-value')).split(',').map(Number);
  await page.getByTestId('outcome-select').selectOption('serious_adverse_events');
  await expect.poll(() => shownValue(page, 'pooled-estimate')).toBe(other[0]);
  expect(await shownValue(page, 'pooled-ci-lower')).toBe(other[1]);
  expect(await shownValue(page, 'pooled-ci-upper')).toBe(other[2]);
  // An outcome with no public counts says so instead of a number.
  await expect(row(page, 'infections_all')).toContainText('Not pooled');
  await expect(row(page, 'infections_all')).toContainText('no public counts');
});

test('a suggested downgrade shows its rule, and an override survives a reload and a link', async ({ page, context }) => {
  await openApp(page, '?outcome=herpes_infections&model=REML', { clinician: true });
  const herpes = row(page, 'herpes_infections');
  const suggested = await herpes.getByTestId('sof-certainty').getAttribute('data-value');
  await herpes.getByTestId('sof-why').click();
  const imprecision = page.locator('[data-testid="grade-domain"][data-domain="imprecision"]');
  // The herpes CI includes no effect: imprecision is rated down, with the numbers and the rule.
  await expect(imprecision).not.toHaveAttribute('data-concern', '0');
  await expect(imprecision).toContainText('includes no effect');
  await expect(imprecision).toContainText('optimal information size');
  await expect(imprecision).toContainText('Rule:');
  await expect(page.locator('[data-testid="grade-domain"][data-domain="publication"]')).toContainText('Not assessable');
  // Indirectness is the user's: rate it down with a reason.
  const indirectness = page.locator('[data-testid="grade-domain"][data-domain="indirectness"]');
  await indirectness.getByTestId('grade-override').selectOption('1');
  await indirectness.getByTestId('grade-reason').fill('adults only; our clinic sees children');
  await indirectness.getByTestId('grade-reason').press('Enter');
  await expect(page).toHaveURL(/grade=herpes_infections:indirectness:1:adults%20only/);
  await expect(indirectness.getByTestId('grade-user')).toHaveText('your judgment');
  const lower = { High: 'Moderate', Moderate: 'Low', Low: 'Very low', 'Very low': 'Very low' }[suggested];
  await expect(herpes.getByTestId('sof-certainty')).toHaveAttribute('data-value', lower);
  await expect(herpes).toContainText('Certainty includes your own ratings.');
  const link = page.url();
  await page.reload();
  await expect(row(page, 'herpes_infections').getByTestId('sof-certainty')).toHaveAttribute('data-value', lower);
  const other = await context.newPage();
  await other.goto(link);
  await row(other, 'herpes_infections').getByTestId('sof-why').click();
  const again = other.locator('[data-testid="grade-domain"][data-domain="indirectness"]');
  await expect(again).toHaveAttribute('data-concern', '1');
  await expect(again.getByTestId('grade-reason')).toHaveValue('adults only; our clinic sees children');
  // Back to the suggestion.
  await again.getByTestId('grade-override').selectOption('suggested');
  await expect(row(other, 'herpes_infections').getByTestId('sof-certainty')).toHaveAttribute('data-value', suggested);
  await expect(other).not.toHaveURL(/grade=/);
});
