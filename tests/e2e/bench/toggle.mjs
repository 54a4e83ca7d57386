// Toggle benchmark: 200 trial toggles in headless Chromium, timing from the click to the end
// of the forest-plot redraw (the app marks 'forest-drawn' when the canvas is drawn) and to the
// next animation frame (when the browser paints it). Reports p50 and p95, for the 8 bundled
// trials and for a 200-study imported dataset; for the latter also the main thread's work from the
// click to the painted frame without the wait for vsync (busyClicks). Run from tests/e2e:
// node bench/toggle.mjs
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';
import { busyClicks, timedClicks } from './timing.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const server = spawn('node', ['serve.mjs', '../../dist', '8183'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });

const toggles = timedClicks;

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
function report(name, times) {
  const drawn = times.map((t) => t[0]);
  const frame = times.map((t) => t[1]);
  console.log(`${name}: click -> redrawn p50 ${pct(drawn, 0.5).toFixed(2)} ms, p95 ${pct(drawn, 0.95).toFixed(2)} ms; ` +
    `click -> next frame p50 ${pct(frame, 0.5).toFixed(2)} ms, p95 ${pct(frame, 0.95).toFixed(2)} ms (n = ${times.length})`);
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto('http://127.0.0.1:8183/index.html');
  await page.waitForSelector('[data-testid=pooled-estimate]');
  await toggles(page, '[data-testid=trial-toggle-chronos]', 20); // warm-up
  report('8 trials (bundled)', await toggles(page, '[data-testid=trial-toggle-chronos]', 200));
  // The clinician's view recomputes the absolute effect and the summary of findings for all
  // seven outcomes, with their GRADE suggestions, on each toggle.
  const busy8 = await busyClicks(page, '[data-testid=trial-toggle-chronos]', 300);
  console.log(`8 trials (bundled, summary of findings of 7 outcomes): main-thread work from click to painted frame p50 ${pct(busy8, 0.5).toFixed(2)} ms, p95 ${pct(busy8, 0.95).toFixed(2)} ms (n = ${busy8.length})`);

  // Switching sensitivity views (k = 3 pooled of 8 listed, serious adverse events, DL): click
  // to the next animation frame, over every view in turn.
  await page.goto('http://127.0.0.1:8183/index.html?outcome=serious_adverse_events&model=DL&methods=1');
  await page.waitForSelector('[data-testid=pooled-estimate]');
  // "Ready to paint": the click, the app's reactive updates (microtasks), the canvas drawn and a
  // forced style and layout, timed without waiting for vsync: under 16 ms, the next frame shows
  // the new view. "Next frame" adds the wait for the browser's next animation frame.
  const switches = await page.evaluate(async () => {
    const ids = ['view-loo', 'view-cumulative', 'view-subgroups', 'view-smallstudy', 'view-influence'];
    const times = [];
    const settle = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    for (let i = 0; i < 250; i++) {
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t0 = performance.now();
      document.querySelector(`[data-testid=${ids[i % ids.length]}]`).click();
      await settle();
      document.documentElement.getBoundingClientRect();
      const ready = performance.now() - t0;
      await new Promise((r) => requestAnimationFrame(() => r()));
      times.push([ready, performance.now() - t0]);
    }
    return times.slice(25);
  });
  const ready = switches.map((t) => t[0]);
  const frame = switches.map((t) => t[1]);
  console.log(`switching sensitivity views: click -> ready to paint p50 ${pct(ready, 0.5).toFixed(2)} ms, p95 ${pct(ready, 0.95).toFixed(2)} ms; ` +
    `click -> next frame p50 ${pct(frame, 0.5).toFixed(2)} ms, p95 ${pct(frame, 0.95).toFixed(2)} ms (n = ${switches.length})`);

  await page.goto('http://127.0.0.1:8183/index.html?methods=1');
  await page.waitForSelector('[data-testid=pooled-estimate]');
  const csv = execFileSync(`${root}target/native/livemeta`, ['synthetic', '200', '42'], { encoding: 'utf8' });
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await page.waitForSelector('[data-testid=pager-trials]');
  await page.getByTestId('model-select').selectOption('REML');
  await toggles(page, '[data-testid=trial-toggle-row1]', 20);
  report('200 studies (imported, REML)', await toggles(page, '[data-testid=trial-toggle-row1]', 200));
  const busy = await busyClicks(page, '[data-testid=trial-toggle-row1]', 300);
  console.log(`200 studies (imported, REML): main-thread work from click to painted frame p50 ${pct(busy, 0.5).toFixed(2)} ms, p95 ${pct(busy, 0.95).toFixed(2)} ms (n = ${busy.length})`);
} finally {
  await browser.close();
  server.kill();
}
