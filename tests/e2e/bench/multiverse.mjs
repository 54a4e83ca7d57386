// Multiverse benchmark: k = 8 and k = 30 synthetic studies pasted as CSV, then the Multiverse
// tab opened 20 times (each opening runs every specification and draws the curve), and 20
// trial toggles with the tab open; from the click to the curve drawn ('multiverse-drawn').
// Prints medians. Run from tests/e2e: node bench/multiverse.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';
import { pageWithSynthetic } from './timing.mjs';

const server = spawn('node', ['serve.mjs', '../../dist', '8186'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

// Clicks `selector` n times; the time from each click to the curve drawn.
const timed = (page, selector, n, closeBetween) => page.evaluate(async ({ selector, n, closeBetween }) => {
  const times = [];
  for (let i = 0; i < n; i++) {
    if (closeBetween) {
      document.querySelector('[data-testid=view-multiverse]').click();
      await new Promise((r) => setTimeout(r, 50));
    }
    performance.clearMarks('multiverse-drawn');
    const t0 = performance.now();
    document.querySelector(selector).click();
    while (performance.getEntriesByName('multiverse-drawn').length === 0) await new Promise((r) => setTimeout(r, 0));
    times.push(performance.getEntriesByName('multiverse-drawn')[0].startTime - t0);
  }
  return times;
}, { selector, n, closeBetween });

try {
  for (const k of [8, 30]) {
    const page = await pageWithSynthetic(browser, 8186, k);
    await page.getByTestId('view-multiverse').click();
    const specs = (await page.getByTestId('multiverse-summary').textContent()).match(/^([\d,]+) specifications/)[1];
    const open = await timed(page, '[data-testid=view-multiverse]', 20, true);
    const toggle = await timed(page, '[data-testid=trial-toggle-row1]', 20, false);
    console.log(`multiverse, k = ${k} (${specs} specifications): tab click -> curve drawn median ${median(open).toFixed(1)} ms; trial toggle -> curve redrawn median ${median(toggle).toFixed(1)} ms (n = 20 each)`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
