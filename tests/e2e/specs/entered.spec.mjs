// Counts typed in from the paper: pooled like reported counts, marked as the user's in the
// table, the plot's CSV and the R code, and carried by the link.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedFromCsv, expectPooled, openApp, shownValue } from './helpers.mjs';

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

test('your data survives a reload, and a small dataset travels in the link', async ({ page, browser }) => {
  const csv = 'study,events_treatment,total_treatment,events_control,total_control,region\nA & B,3,40,6,41,north\nC=1,1,30,5,31,south\nD,5,60,11,58,north\n';
  await openApp(page, '?model=REML');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await page.getByTestId('trial-toggle-row2').click();
  await expect(page).toHaveURL(/pack=c\.[A-Za-z0-9_-]+/);
  await expect(page).toHaveURL(/off=row2/);
  const kept = `study,events_treatment,total_treatment,events_control,total_control\nA,3,40,6,41\nD,5,60,11,58\n`;
  const expected = expectedFromCsv(kept, { measure: 'RR', method: 'REML' });
  await expectPooled(page, expected);

  await page.reload();
  await expect(page.getByTestId('count-row1-treatment')).toHaveText('3/40');
  await expect(page.getByTestId('trial-toggle-row2')).not.toBeChecked();
  await expectPooled(page, expected);
  await page.getByText('Use your own data').click();
  await expect(page.getByTestId('import-text')).toHaveValue(csv);

  const fresh = await (await browser.newContext()).newPage();
  await openApp(fresh, new URL(page.url()).search);
  await expect(fresh.getByTestId('study-row-row1')).toContainText('A & B');
  await expectPooled(fresh, expected);

  // Back to the bundled trials: the link and this browser forget the data.
  await page.getByTestId('import-reset').click();
  await expect(page).not.toHaveURL(/pack=|data=/);
  await page.reload();
  await expect(page.getByTestId('trial-toggle-chronos')).toBeVisible();
});

test('a dataset too large for the link stays in this browser, and the link says so elsewhere', async ({ page, browser }) => {
  const csv = execFileSync(join(root, 'target/native/livemeta'), ['synthetic', '2000', '3'], { encoding: 'utf8' });
  expect(csv.length).toBeGreaterThan(8000);
  await openApp(page);
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('pager-trials')).toContainText('Studies 1-25 of 2,000');
  await expect(page).toHaveURL(/data=local/);
  await expect(page.locator('.subtitle')).toContainText('too large for a link: save it as a file to share it');
  await page.reload();
  await expect(page.getByTestId('pager-table')).toContainText('Studies 1-25 of 2,000');
  const elsewhere = await (await browser.newContext()).newPage();
  await openApp(elsewhere, new URL(page.url()).search);
  await expect(elsewhere.getByTestId('control-notice')).toContainText("The link's data was kept in another browser");
  await expect(elsewhere.getByTestId('trial-toggle-chronos')).toBeVisible();
});

test('after the first visit the page works offline, links and all', async ({ page, context }) => {
  await openApp(page, '?outcome=serious_adverse_events&model=DL');
  // The service worker has cached the app once it controls the page.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const online = await shownValue(page, 'pooled-estimate');
  await context.setOffline(true);
  await openApp(page, '?outcome=serious_adverse_events&model=DL&off=chronos');
  await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
  expect(await shownValue(page, 'pooled-estimate')).not.toBe(online);
  await page.getByTestId('trial-toggle-chronos').click();
  await expect.poll(() => shownValue(page, 'pooled-estimate')).toBe(online);
  await page.getByTestId('view-gosh').click();
  await expect(page.getByTestId('gosh-count')).toContainText('7 subsets of 3 trials');
  await context.setOffline(false);
});

test('a file with some bad lines: the rest is analysed, the bad ones flagged and counted, then fixed', async ({ page }) => {
  const csv = 'study,events_treatment,total_treatment,events_control,total_control\nA,3,40,6,41\nB,50,20,1,20\nC,5,60,11,58\n';
  await openApp(page, '?model=DL');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-warnings')).toContainText('line 3 (study "B"), field events_treatment: 50 events exceed the arm total of 20');
  await expect(page.getByTestId('invalid-row2')).toContainText('50 events exceed the arm total of 20');
  await expect(page.getByTestId('study-row-row2')).toContainText('left out');
  await expect(page.getByTestId('coverage')).toContainText('1 with problems left out');
  const header = 'study,events_treatment,total_treatment,events_control,total_control\n';
  await expectPooled(page, expectedFromCsv(`${header}A,3,40,6,41\nC,5,60,11,58\n`, { measure: 'RR', method: 'DL' }));
  await expect(page.getByTestId('import-text')).toHaveValue(csv);
  const fixed = csv.replace('B,50,20', 'B,5,20');
  await page.getByTestId('import-text').fill(fixed);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('invalid-row2')).toHaveCount(0);
  await expectPooled(page, expectedFromCsv(fixed, { measure: 'RR', method: 'DL' }));
});
