// The report: one HTML file that opens offline with every figure, and a Word document whose text
// reads back from word/document.xml.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, shownValue } from './helpers.mjs';

async function downloaded(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return download.path();
}

/** The pooled line as the page rounds it: "0.32 (95% CI 0.10 to 1.08)". */
async function pooledText(page) {
  const [e, l, u] = await Promise.all(['pooled-estimate', 'pooled-ci-lower', 'pooled-ci-upper'].map((id) => page.getByTestId(id).textContent()));
  return `${e} (95% CI ${l} to ${u})`;
}

test('the HTML report opens offline and holds the result, the plot, the data, the summary of findings and the R code', async ({ page, context, browser }) => {
  await openApp(page, '?outcome=herpes_infections&model=REML&view=loo&grade=herpes_infections:indirectness:1:adults%20only');
  await expect(page.getByTestId('loo-view')).toBeVisible();
  // Saved under its own name, as a browser saves it, so it opens as HTML.
  const file = join(mkdtempSync(join(tmpdir(), 'livemeta-report-')), 'livemeta-report.html');
  copyFileSync(await downloaded(page, 'export-report-html'), file);
  const html = readFileSync(file, 'utf8');
  expect(html).not.toMatch(/<script|<link|src=|@import|url\(/);
  const offline = await browser.newContext({ offline: true });
  const report = await offline.newPage();
  const requests = [];
  report.on('request', (r) => requests.push(r.url()));
  await report.goto(`file://${file}`);
  expect(requests).toEqual([`file://${file}`]);
  await expect(report.locator('h1')).toContainText('Herpesvirus infections');
  await expect(report.locator('body')).toContainText(`Pooled RR ${await pooledText(page)}`);
  // The forest plot is inline SVG with its labels.
  await expect(report.locator('figure svg')).toHaveCount(1);
  await expect(report.locator('figure svg')).toContainText('CHRONOS');
  await expect(report.locator('figure svg')).toContainText('Favours');
  // Every trial with its source; the summary of findings with the user's rating marked.
  await expect(report.locator('table').nth(1).locator('tbody tr')).toHaveCount(8);
  await expect(report.locator('body')).toContainText('no public counts');
  await expect(report.locator('body')).toContainText('https://clinicaltrials.gov/');
  await expect(report.locator('body')).toContainText('(with your ratings)');
  await expect(report.locator('body')).toContainText('Your reason: adults only.');
  // The open analysis and the R code.
  await expect(report.locator('h2', { hasText: 'Open analysis: Leave one out' })).toHaveCount(1);
  await expect(report.locator('pre').last()).toContainText('library(metafor)');
  await offline.close();
});

test('the Word report reads back: its text from word/document.xml, the plot as a picture', async ({ page }) => {
  await openApp(page, '', { clinician: true });
  const file = await downloaded(page, 'export-report-docx');
  expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');
  const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
  expect(listing).toMatch(/word\/media\/.+\.png/);
  const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8' });
  const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1].replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'")).join('\n');
  expect(text).toContain('Skin infections');
  expect(text).toContain(`Pooled RR ${await pooledText(page)}`);
  expect(text).toContain('Summary of findings');
  expect(text).toContain('The data and where each number came from');
  expect(text).toContain('library(metafor)');
  expect(await shownValue(page, 'pooled-estimate')).toBeGreaterThan(0);
});
