// Import benchmark: 5,000 studies pasted as CSV, from the click on "Analyse this data" to the
// forest plot drawn ('forest-drawn' mark) and to the next animation frame, over 5 fresh page
// loads; then 20 trial toggles at k = 5,000. Prints each figure and the medians. Run from
// tests/e2e (it needs Playwright and target/native/livemeta): node bench/import.mjs. Last, the
// largest file the page opens (1 MB of CSV) is opened three times, file chosen to plot drawn.
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';
import { timedClicks } from './timing.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const server = spawn('node', ['serve.mjs', '../../dist', '8185'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const csv = execFileSync(`${root}target/native/livemeta`, ['synthetic', '5000', '7'], { encoding: 'utf8' });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const timedClick = async (page, selector) => (await timedClicks(page, selector, 1))[0];

const imports = [];
const toggles = [];
const fileTimes = [];
let big = '';
try {
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto('http://127.0.0.1:8185/index.html?model=DL');
    await page.waitForSelector('[data-testid=pooled-estimate]');
    await page.locator('details.import').evaluate((d) => { d.open = true; });
    // Set as a paste would, in one input event (Playwright's fill of 150 KB times out).
    await page.getByTestId('import-text').evaluate((el, csv) => { el.value = csv; el.dispatchEvent(new Event('input', { bubbles: true })); }, csv);
    imports.push(await timedClick(page, '[data-testid=import-apply]'));
    await page.waitForSelector('[data-testid=pager-trials]');
    if (run === 0) {
      toggles.push(...await timedClicks(page, '[data-testid=trial-toggle-row1]', 20));
    }
    await context.close();
  }
  // The largest file livemeta opens (1 MB): about 48,000 studies of CSV, opened from a file.
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  big = execFileSync(`${root}target/native/livemeta`, ['synthetic', '48000', '7'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  await page.goto('http://127.0.0.1:8185/index.html?model=DL');
  await page.waitForSelector('[data-testid=pooled-estimate]');
  for (let run = 0; run < 3; run++) {
    await page.evaluate(() => performance.clearMarks('forest-drawn'));
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId('import-file').setInputFiles({ name: `big${run}.csv`, mimeType: 'text/csv', buffer: Buffer.from(big) });
    await page.waitForFunction(() => performance.getEntriesByName('forest-drawn').length > 0, null, { timeout: 120000 });
    fileTimes.push((await page.evaluate(() => performance.getEntriesByName('forest-drawn')[0].startTime)) - t0);
  }
  await context.close();
} finally {
  await browser.close();
  server.kill();
}
const show = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(`import of 5,000 studies, click -> plot drawn (ms): ${show(imports.map((t) => t[0]))}; median ${median(imports.map((t) => t[0])).toFixed(0)}`);
console.log(`import of 5,000 studies, click -> next frame (ms): ${show(imports.map((t) => t[1]))}; median ${median(imports.map((t) => t[1])).toFixed(0)}`);
console.log(`toggle at k = 5,000, click -> plot drawn: median ${median(toggles.map((t) => t[0])).toFixed(0)} ms; click -> next frame: median ${median(toggles.map((t) => t[1])).toFixed(0)} ms (n = ${toggles.length})`);
console.log(`open a ${(big.length / 1e6).toFixed(1)} MB CSV file (48,000 studies), file chosen -> plot drawn (ms): ${show(fileTimes)}; median ${median(fileTimes).toFixed(0)}`);
