// Fragility benchmark: k = 8 and k = 30 synthetic studies pasted as CSV (DL), then the
// Fragility tab opened 10 times; from the click to the answer on the page. Prints the answer
// (patients, exact or not, analyses run) and the median. Run from tests/e2e: node bench/fragility.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';
import { pageWithSynthetic } from './timing.mjs';

const server = spawn('node', ['serve.mjs', '../../dist', '8187'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

try {
  for (const k of [8, 30]) {
    const page = await pageWithSynthetic(browser, 8187, k);
    const times = await page.evaluate(async () => {
      const out = [];
      for (let i = 0; i < 10; i++) {
        const tab = document.querySelector('[data-testid=view-fragility]');
        if (document.querySelector('[data-testid=fragility-summary]')) { tab.click(); await new Promise((r) => setTimeout(r, 50)); }
        const t0 = performance.now();
        tab.click();
        while (!document.querySelector('[data-testid=fragility-summary]')?.dataset.value) await new Promise((r) => setTimeout(r, 0));
        out.push(performance.now() - t0);
      }
      return out;
    });
    const answer = await page.getByTestId('fragility-summary').textContent();
    console.log(`fragility, k = ${k}: tab click -> answer median ${median(times).toFixed(0)} ms (n = 10); ${answer.match(/when ([\d,]+) patient/)?.[1]} patients, ${answer.includes('Exact') || answer.includes('fewest possible') ? 'exact' : 'not proven exact'}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
