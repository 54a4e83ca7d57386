// Counts typed in from the paper: pooled like reported counts, marked as the user's in the
// table, the plot's CSV and the R code, and carried by the link.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedFromCsv, expectPooled, openApp } from './helpers.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const reported = execFileSync(join(root, 'target/native/livemeta'), ['export', join(root, 'assets/dupilumab.json'), '--outcome', 'serious_adverse_events'], { encoding: 'utf8' });

test('type in a missing trial\'s counts: named errors, then pooled and marked "entered by you"', async ({ page, browser }) => {
  await openApp(page, '?outcome=serious_adverse_events&model=DL');
  await expect(page.getByTestId('study-row-beck_m12')).toContainText('not reported');
  await page.getByTestId('enter-open-beck_m12').click();
  const cell = (i) => page.getByTestId(`enter-beck_m12-${i}`);
  for (const [i, v] of ['60', '55', '3', '54'].entries()) await cell(i).fill(v);
  await page.getByTestId('enter-beck_m12-save').click();
  await expect(page.getByTestId('enter-beck_m12-error')).toContainText('Dupilumab events: 60 events exceed the arm total of 55');
  await expect(cell(0)).toHaveValue('60'); // nothing typed is lost
  await cell(0).fill('2');
  await page.getByTestId('enter-beck_m12-save').click();

  await expect(page.getByTestId('count-beck_m12-treatment')).toHaveText(/^2\/55/);
  await expect(page.getByTestId('study-row-beck_m12')).toContainText('entered by you');
  await expect(page.getByTestId('coverage')).toContainText('3 of 8 trials reported this outcome, 1 entered by you; 4 pooled');
  const typed = `${reported}Beck 2014 M12 (NCT01548404),2,55,3,54\n`;
  await expectPooled(page, expectedFromCsv(typed, { measure: 'RR', method: 'DL' }));
  await expect(page).toHaveURL(/typed=serious_adverse_events:all:beck_m12:2:55:3:54/);
  await expect(page.getByTestId('r-code')).toHaveValue(/# Counts entered by you from the paper \(livemeta has no source for them\): Beck 2014 M12/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toMatch(/,counts_from$/);
  expect(csv).toMatch(/Beck 2014 M12 \(NCT01548404\),included,2,55,3,54,.*,entered by you/);
  expect(csv).toMatch(/CHRONOS,included,.*,dataset/);

  // The link carries the typed counts to a fresh browser.
  const fresh = await (await browser.newContext()).newPage();
  await openApp(fresh, new URL(page.url()).search);
  await expect(fresh.getByTestId('study-row-beck_m12')).toContainText('entered by you');
  await expectPooled(fresh, expectedFromCsv(typed, { measure: 'RR', method: 'DL' }));

  // Setting entered counts aside, then removing them, gives the sourced analysis back.
  await page.getByTestId('use-entered').uncheck();
  await expect(page.getByTestId('study-row-beck_m12')).toContainText('not reported');
  await expectPooled(page, expectedFromCsv(reported, { measure: 'RR', method: 'DL' }));
  await page.getByTestId('use-entered').check();
  await expect(page.getByTestId('study-row-beck_m12')).toContainText('entered by you');
  await page.getByTestId('enter-remove-beck_m12').click();
  await expect(page.getByTestId('study-row-beck_m12')).toContainText('not reported');
  await expect(page.getByTestId('use-entered')).toHaveCount(0);
});

test('a link with bad typed counts says what it ignored', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&typed=serious_adverse_events:all:beck_m12:70:55:3:54,serious_adverse_events:all:nosuch:1:2:3:4');
  await expect(page.getByTestId('control-notice')).toContainText('typed=serious_adverse_events:all:beck_m12:70:55:3:54');
  await expect(page.getByTestId('control-notice')).toContainText('nosuch');
  await expect(page.getByTestId('study-row-beck_m12')).toContainText('not reported');
});
