// GOSH benchmark: imported synthetic data with k = 16 and k = 20 trials (DerSimonian-Laird),
// the GOSH view opened, timed from the click on its tab to the painted plot, while a probe on
// the page records its longest main-thread task (Chromium's Long Tasks API, which reports tasks
// over 50 ms) and the largest gap between timer callbacks. Run from tests/e2e: node bench/gosh.mjs [runs]
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 5);
const server = spawn('node', ['serve.mjs', '../../dist', '8184'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function once(page, k) {
  const csv = execFileSync(`${root}target/native/livemeta`, ['synthetic', String(k), '11'], { encoding: 'utf8' });
  await page.goto('http://127.0.0.1:8184/index.html?model=DL');
  await page.waitForSelector('[data-testid=pooled-estimate]');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await page.waitForSelector(`[data-testid=trial-toggle-row${k}]`);
  return page.evaluate(async (k) => {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    let gap = 0;
    let last = performance.now();
    let probing = true;
    const probe = () => { const now = performance.now(); gap = Math.max(gap, now - last); last = now; if (probing) setTimeout(probe, 0); };
    const t0 = performance.now();
    last = t0;
    setTimeout(probe, 0);
    document.querySelector('[data-testid=view-gosh]').click();
    const want = (2 ** k - 1).toLocaleString('en-US');
    while (!document.querySelector('[data-testid=gosh-count]')?.textContent.startsWith(`${want} subsets`)) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const painted = performance.now() - t0;
    probing = false;
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    return { painted, longest: Math.max(0, ...longTasks), gap };
  }, k);
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  for (const k of [16, 20]) {
    await once(page, k); // warm-up
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await once(page, k));
    console.log(`GOSH k = ${k} (${(2 ** k - 1).toLocaleString('en-US')} fits, DL, worker): tab click -> plot painted median ${median(results.map((r) => r.painted)).toFixed(0)} ms ` +
      `(runs: ${results.map((r) => r.painted.toFixed(0)).join(', ')}); longest main-thread task median ${median(results.map((r) => r.longest)).toFixed(0)} ms ` +
      `(0 = none over 50 ms; max ${Math.max(...results.map((r) => r.longest)).toFixed(0)}), longest timer gap median ${median(results.map((r) => r.gap)).toFixed(0)} ms`);
  }
  if (process.env.GOSH_SCREENSHOT) await page.screenshot({ path: process.env.GOSH_SCREENSHOT, fullPage: true });
} finally {
  await browser.close();
  server.kill();
}
