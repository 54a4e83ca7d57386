// Trial sequential analysis benchmark: k = 8 and k = 30 synthetic studies pasted as CSV, then the
// Trial sequential tab opened 20 times (each opening runs every cumulative look, the RIS and the
// boundaries, and draws the chart), and 20 trial toggles with the tab open; from the click to the
// chart drawn ('tsa-drawn'). Prints medians. Run from tests/e2e: node bench/tsa.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';
import { pageWithSynthetic, timedToMark } from './timing.mjs';

const server = spawn('node', ['serve.mjs', '../../dist', '8188'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

try {
  for (const k of [8, 30]) {
    const page = await pageWithSynthetic(browser, 8188, k);
    await page.getByTestId('view-tsa').click();
    const looks = await page.locator('[data-testid^=tsa-row-][data-boundary]:not([data-boundary=""])').count();
    const open = await timedToMark(page, '[data-testid=view-tsa]', 'tsa-drawn', 20, '[data-testid=view-tsa]');
    const toggle = await timedToMark(page, '[data-testid=trial-toggle-row1]', 'tsa-drawn', 20);
    console.log(`trial sequential, k = ${k} (${looks} looks): tab click -> chart drawn median ${median(open).toFixed(1)} ms; trial toggle -> chart redrawn median ${median(toggle).toFixed(1)} ms (n = 20 each)`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
