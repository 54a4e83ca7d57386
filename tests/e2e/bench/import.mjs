// Import benchmark: 5,000 studies pasted as CSV, from the click on "Analyse this data" to the
// forest plot drawn ('forest-drawn' mark) and to the next animation frame, over 5 fresh page
// loads; then 20 trial toggles at k = 5,000. Prints each figure and the medians. Run from
// tests/e2e (it needs Playwright and target/native/livemeta): node bench/import.mjs. Last, the
// largest dataset the page opens (48,000 studies, 1 MB of CSV, read in the worker) is opened three
// times, file chosen to plot drawn; then a 6 MB review and a 50 MB CSV, both read in the worker.
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumFlags } from '../playwright.config.mjs';
import { timedClicks } from './timing.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const server = spawn('node', ['serve.mjs', '../../dist', '8185'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const csv = execFileSync(`${root}target/native/livemeta`, ['synthetic', '5000', '7'], { encoding: 'utf8' });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const chosenToDrawn = async (page) => {
  await page.waitForFunction(() => performance.getEntriesByName('forest-drawn').length > 0, null, { timeout: 120000 });
  return page.evaluate(() => performance.getEntriesByName('forest-drawn')[0].startTime - window.chosenAt);
};
const timedClick = async (page, selector) => (await timedClicks(page, selector, 1))[0];

const imports = [];
const toggles = [];
const fileTimes = [];
const reviewTimes = [];
const hugeTimes = [];
let reviewBytes = 0;
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
  // Near the most studies livemeta opens (50,000): 48,000 studies of CSV, read in the worker.
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  big = execFileSync(`${root}target/native/livemeta`, ['synthetic', '48000', '7'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  await page.goto('http://127.0.0.1:8185/index.html?model=DL');
  await page.waitForSelector('[data-testid=pooled-estimate]');
  // Timed from the file chosen (the input's change event), not from Playwright's hand-over of
  // the bytes, which takes longer than the reading itself.
  await page.evaluate(() => document.addEventListener('change', () => { window.chosenAt = performance.now(); }, true));
  for (let run = 0; run < 3; run++) {
    await page.evaluate(() => performance.clearMarks('forest-drawn'));
    await page.getByTestId('import-file').setInputFiles({ name: `big${run}.csv`, mimeType: 'text/csv', buffer: Buffer.from(big) });
    fileTimes.push(await chosenToDrawn(page));
  }
  // A review with several megabytes of text is read in the worker.
  const review = readFileSync(`${root}crates/livemeta-core/tests/data/example.rm5`, 'latin1')
    .replace('<MAIN_TEXT>', `<MAIN_TEXT><P>${'Background text of the review. '.repeat(200_000)}</P>`);
  reviewBytes = review.length;
  for (let run = 0; run < 3; run++) {
    await page.getByTestId('dataset-select').selectOption('dupilumab-fleming2018');
    await page.evaluate(() => performance.clearMarks('forest-drawn'));
    await page.getByTestId('import-file').setInputFiles({ name: 'long.rm5', mimeType: 'application/xml', buffer: Buffer.from(review, 'latin1') });
    reviewTimes.push(await chosenToDrawn(page));
  }
  // A 50 MB CSV: the worker reads and refuses it; the page's longest task meanwhile.
  const huge = join(mkdtempSync(join(tmpdir(), 'livemeta-big-')), 'huge.csv');
  writeFileSync(huge, 'study,events_treatment,total_treatment,events_control,total_control\n' + 'S,1,10,2,10\n'.repeat(4_200_000));
  for (let run = 0; run < 3; run++) {
    await page.evaluate(() => { window.longest = 0; window.observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => { window.longest = Math.max(window.longest, e.duration); })); window.observer.observe({ type: 'longtask' }); });
    await page.getByTestId('import-file').setInputFiles(huge);
    await page.waitForFunction(() => !document.querySelector('[data-testid=import-reading]'), null, { timeout: 120000 });
    hugeTimes.push(await page.evaluate(() => { window.observer.disconnect(); return [performance.now() - window.chosenAt, window.longest]; }));
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
console.log(`open a ${(reviewBytes / 1e6).toFixed(1)} MB RevMan review (in the worker), file chosen -> plot drawn (ms): ${show(reviewTimes)}; median ${median(reviewTimes).toFixed(0)}`);
console.log(`a 50 MB CSV read and refused in the worker (ms): ${show(hugeTimes.map((t) => t[0]))}; median ${median(hugeTimes.map((t) => t[0])).toFixed(0)}; the page's longest task meanwhile (ms): ${show(hugeTimes.map((t) => t[1]))}`);
