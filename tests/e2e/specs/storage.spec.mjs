// Nothing the user typed is lost: two tabs keep their own sets side by side and learn of each
// other's, a damaged stored set is reported and never overwritten, and sets kept by earlier
// versions are carried over.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openApp } from './helpers.mjs';

const header = 'study,events_treatment,total_treatment,events_control,total_control\n';

async function paste(page, csv) {
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
}

test('two tabs paste two sets: both are kept, and each tab lists the other\'s', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openApp(a);
  await openApp(b);
  await paste(a, `${header}Alpha,3,40,6,41\nBeta,5,60,11,58\n`);
  await expect(a.getByTestId('study-row-row1')).toContainText('Alpha');
  await paste(b, `${header}Gamma,2,30,7,31\nDelta,4,50,9,52\n`);
  await expect(b.getByTestId('study-row-row1')).toContainText('Gamma');
  // Tab A hears of tab B's set, and keeps its own on screen.
  await expect(a.getByTestId('dataset-select').locator('option')).toHaveText([/Dupilumab/, /BCG/, 'Your data 1: Your data', 'Your data 2: Your data']);
  await expect(a.getByTestId('study-row-row1')).toContainText('Alpha');
  // A third tab finds both.
  const c = await context.newPage();
  await openApp(c);
  await expect(c.getByTestId('dataset-select').locator('option')).toHaveText([/Dupilumab/, /BCG/, 'Your data 1: Your data', 'Your data 2: Your data']);
  await c.getByTestId('dataset-select').selectOption('yours-1');
  await expect(c.getByTestId('study-row-row1')).toContainText('Alpha');
  await c.getByTestId('dataset-select').selectOption('yours-2');
  await expect(c.getByTestId('study-row-row1')).toContainText('Gamma');
});

test('a damaged stored set is reported, offered as a file, and never overwritten', async ({ page }) => {
  await openApp(page);
  const damaged = '{"csv":"study,events_treatment,total_treatment,events_control,total_control\\nAlpha,3,40,6';
  await page.evaluate((text) => localStorage.setItem('livemeta.set.1', text), damaged);
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeVisible();
  const message = page.getByTestId('unreadable-set-0');
  await expect(message).toBeVisible();
  await expect(message).toContainText('could not be read');
  await expect(message).toContainText('nothing will overwrite it');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('unreadable-save-0').click()]);
  expect(readFileSync(await download.path(), 'utf8')).toBe(damaged);
  // A new set takes another slot; the damaged text stays as it was.
  await paste(page, `${header}Gamma,2,30,7,31\nDelta,4,50,9,52\n`);
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-2');
  expect(await page.evaluate(() => localStorage.getItem('livemeta.set.1'))).toBe(damaged);
  await page.reload();
  await expect(page.getByTestId('unreadable-set-0')).toBeVisible();
  // Only the user's word removes it.
  await page.getByTestId('unreadable-discard-0').click();
  await expect(page.getByTestId('unreadable-set-0')).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('livemeta.set.1'))).toBeNull();
});

test('sets kept by an earlier version (one list under one key) are carried over', async ({ page }) => {
  await openApp(page);
  const list = [
    { slot: 1, csv: `${header}Alpha,3,40,6,41\nBeta,5,60,11,58\n` },
    { slot: 2, csv: `${header}Gamma,2,30,7,31\nDelta,4,50,9,52\n` },
  ];
  await page.evaluate((text) => { localStorage.clear(); localStorage.setItem('livemeta.data.sets', text); }, JSON.stringify(list));
  await page.reload();
  await expect(page.getByTestId('dataset-select').locator('option')).toHaveText([/Dupilumab/, /BCG/, 'Your data 1: Your data', 'Your data 2: Your data']);
  const keys = await page.evaluate(() => Object.keys(localStorage).sort());
  expect(keys).toEqual(expect.arrayContaining(['livemeta.set.1', 'livemeta.set.2']));
  expect(keys).not.toContain('livemeta.data.sets');
});

test('a set too large for what localStorage has left is kept in IndexedDB and found again', async ({ page, context }) => {
  await openApp(page);
  // Fill this origin's localStorage until it refuses, leaving less room than the set needs.
  await page.evaluate(() => {
    for (const size of [1 << 19, 1 << 14]) {
      const chunk = 'x'.repeat(size);
      try {
        for (let i = 0; ; i++) localStorage.setItem(`filler-${size}-${i}`, chunk);
      } catch { /* full at this size */ }
    }
  });
  const lines = Array.from({ length: 2000 }, (_, i) => `Study ${i + 1},${3 + (i % 5)},40,${6 + (i % 3)},41`).join('\n');
  await paste(page, `${header}${lines}\n`);
  await expect(page.getByTestId('study-row-row1')).toContainText('Study 1');
  await expect(page.getByTestId('control-notice')).not.toContainText('would not keep');
  await expect.poll(() => page.evaluate(() => new Promise((done) => {
    const open = indexedDB.open('livemeta');
    open.onsuccess = () => {
      const request = open.result.transaction('sets').objectStore('sets').count();
      request.onsuccess = () => done(request.result);
    };
  }))).toBe(1);
  expect(await page.evaluate(() => localStorage.getItem('livemeta.set.1'))).toBeNull();
  // A new page of this browser lists it once IndexedDB is read, and opens it.
  const other = await context.newPage();
  await openApp(other);
  await expect(other.getByTestId('dataset-select').locator('option')).toHaveText([/Dupilumab/, /BCG/, 'Your data 1: Your data']);
  await other.getByTestId('dataset-select').selectOption('yours-1');
  await expect(other.getByTestId('study-row-row2000')).toHaveCount(0);
  await expect(other.getByTestId('study-row-row1')).toContainText('Study 1');
  await expect(other.getByTestId('coverage')).toContainText('2000');
});
