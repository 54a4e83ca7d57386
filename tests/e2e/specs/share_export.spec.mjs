import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectedAnalysis, openApp, runR, shownValue } from './helpers.mjs';

test('the URL holds the whole state: a link restores it, back and forward step through changes', async ({ page }) => {
  await openApp(page);
  // Changes within one frame make one history entry; each step here waits for its own.
  await page.getByTestId('model-select').selectOption('REML');
  await expect(page).toHaveURL(/model=REML/);
  await page.getByTestId('knha-toggle').check();
  await expect(page).toHaveURL(/knha=1/);
  await page.getByTestId('trial-toggle-beck_m12').click();
  await expect(page).toHaveURL(/off=beck_m12/);
  const url = page.url();
  expect(url).toMatch(/model=REML/);
  expect(url).toMatch(/knha=1/);
  expect(url).toMatch(/off=beck_m12/);
  const value = await shownValue(page, 'pooled-estimate');

  const other = await page.context().newPage();
  await openApp(other, url.slice(url.indexOf('?')));
  expect(await shownValue(other, 'pooled-estimate')).toBe(value);
  await expect(other.getByTestId('knha-toggle')).toBeChecked();
  await expect(other.getByTestId('trial-toggle-beck_m12')).not.toBeChecked();

  await page.goBack();
  await expect(page.getByTestId('trial-toggle-beck_m12')).toBeChecked();
  await page.goBack();
  await expect(page.getByTestId('knha-toggle')).not.toBeChecked();
  await page.goForward();
  await expect(page.getByTestId('knha-toggle')).toBeChecked();
});

test('exports: SVG parses, PNG is a PNG, CSV has the rows', async ({ page }) => {
  await openApp(page);
  const save = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    return readFileSync(await download.path());
  };
  const svg = (await save('export-svg')).toString('utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror') !== null, root: doc.documentElement.nodeName, text: doc.documentElement.textContent };
  }, svg);
  expect(parsed.error).toBe(false);
  expect(parsed.root).toBe('svg');
  expect(parsed.text).toContain('CHRONOS');
  expect(parsed.text).toContain('Total');
  expect(parsed.text).toContain('Skin infections · RR · Random effects, M-H (RevMan 5)');
  const png = await save('export-png');
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  // At least twice a 960 px slide width, whatever the screen it came from.
  expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1920);
  const csv = (await save('export-csv')).toString('utf8').trim().split('\n');
  expect(csv[0]).toContain('outcome,measure,model,row,study,status');
  expect(csv).toHaveLength(13);
  expect(csv.find((l) => l.includes(',CHRONOS'))).toContain('included,38,425,56,315');
  expect(csv.filter((l) => l.includes(',not reported,'))).toHaveLength(6);
  expect(csv[9]).toMatch(/,pooled,Total \(|,pooled,"Total \(/);
  // The absolute effect per 1,000, as the summary gives it.
  expect(csv[10]).toContain(',absolute,"Risk with control per 1,000 (the pooled control-arm risk)",');
  expect(csv[12]).toContain(',absolute,"Difference per 1,000",');
});

for (const query of ['', '?model=REML&knha=1', '?model=REML&knha=adhoc', '?model=MH', '?outcome=eczema_herpeticum', '?measure=RD&model=DL']) {
  test(`Copy R code reproduces the pooled estimate in metafor (${query || 'default'})`, async ({ page }) => {
    await openApp(page, query);
    const code = await page.getByTestId('r-code').inputValue();
    const r = runR(code);
    expect(r.estimate).toBeCloseTo(await shownValue(page, 'pooled-estimate'), 6);
    expect(r.lower).toBeCloseTo(await shownValue(page, 'pooled-ci-lower'), 6);
    expect(r.upper).toBeCloseTo(await shownValue(page, 'pooled-ci-upper'), 6);
  });
}

test('screenshots: presenter mode fits a 1280x720 projector, a wide screen, a phone', async ({ browser }, testInfo) => {
  const projector = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await openApp(projector, '?presenter=1');
  await projector.screenshot({ path: testInfo.outputPath('presenter-1280x720.png') });
  // The plot takes the width, the controls are a thin bar, and nothing needs scrolling.
  const canvas = await projector.getByTestId('forest-plot').boundingBox();
  expect(canvas.x + canvas.width).toBeLessThanOrEqual(1280);
  expect(canvas.width).toBeGreaterThan(1200);
  expect(canvas.y + canvas.height).toBeLessThanOrEqual(720);
  expect(await projector.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
  // Every caveat stays on the projector; the controls wait behind one button.
  await expect(projector.getByTestId('coverage')).toBeVisible();
  await expect(projector.getByTestId('published-difference')).toBeVisible();
  await expect(projector.locator('.sidebar')).toBeHidden();
  await projector.getByTestId('presenter-controls').click();
  await expect(projector.getByTestId('outcome-select')).toBeVisible();
  expect((await projector.locator('.sidebar').boundingBox()).height).toBeLessThan(100);
  await projector.getByTestId('presenter-controls').click();
  await expect(projector.locator('.sidebar')).toBeHidden();
  // A 1920x1080 projector: the plot takes the screen's width.
  const big = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await openApp(big, '?presenter=1');
  await big.waitForTimeout(200);
  expect((await big.getByTestId('forest-plot').boundingBox()).width).toBeGreaterThan(1800);
  expect(await big.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(1080);
  await big.screenshot({ path: testInfo.outputPath('presenter-1920x1080.png') });
  const wide = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await openApp(wide);
  await wide.screenshot({ path: testInfo.outputPath('desktop-1920x1080.png') });
  const phone = await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2 });
  await openApp(phone);
  await phone.screenshot({ path: testInfo.outputPath('phone-375.png'), fullPage: true });
  await phone.getByTestId('forest-plot').screenshot({ path: testInfo.outputPath('phone-375-forest.png') });
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  // On a phone the result and the plot come before the controls.
  const plotTop = (await phone.getByTestId('forest-plot').boundingBox()).y;
  expect(plotTop).toBeLessThan((await phone.getByTestId('outcome-select').boundingBox()).y);
  expect(plotTop).toBeLessThan(812);
});
