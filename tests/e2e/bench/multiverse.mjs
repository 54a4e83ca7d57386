// Multiverse benchmark: k = 8 and k = 30 synthetic studies pasted as CSV, then the Multiverse
// tab opened 20 times (each opening runs every specification and draws the curve), and 20
// trial toggles with the tab open; from the click to the curve drawn ('multiverse-drawn').
// Prints medians. Run from tests/e2e: node bench/multiverse.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';
import { pageWithSynthetic, timedToMark } from './timing.mjs';

const server = spawn('node', ['serve.mjs', '../../dist', '8186'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

try {
  for (const k of [8, 30]) {
    const page = await pageWithSynthetic(browser, 8186, k);
    await page.getByTestId('view-multiverse').click();
    const specs = (await page.getByTestId('multiverse-summary').textContent()).match(/^([\d,]+) specifications/)[1];
    const open = await timedToMark(page, '[data-testid=view-multiverse]', 'multiverse-drawn', 20, '[data-testid=view-multiverse]');
    const toggle = await timedToMark(page, '[data-testid=trial-toggle-row1]', 'multiverse-drawn', 20);
    console.log(`multiverse, k = ${k} (${specs} specifications): tab click -> curve drawn median ${median(open).toFixed(1)} ms; trial toggle -> curve redrawn median ${median(toggle).toFixed(1)} ms (n = 20 each)`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
