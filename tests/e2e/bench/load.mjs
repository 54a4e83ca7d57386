// Cold-load benchmark: 10 loads, each in a fresh browser context (empty cache), from navigation
// start to the app being interactive (boot.js marks 'livemeta-interactive' once the wasm app
// has mounted). Prints each load and the median. Run from tests/e2e (it needs Playwright):
//   node bench/load.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';

const server = spawn('node', ['serve.mjs', '../../dist', '8182'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const times = [];
try {
  for (let i = 0; i < 10; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('http://127.0.0.1:8182/index.html');
    await page.waitForSelector('[data-testid=pooled-estimate]');
    const ms = await page.evaluate(() => performance.getEntriesByName('livemeta-interactive')[0].startTime);
    times.push(ms);
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
const sorted = [...times].sort((a, b) => a - b);
const median = (sorted[4] + sorted[5]) / 2;
console.log(`cold load to interactive (ms): ${times.map((t) => t.toFixed(1)).join(', ')}`);
console.log(`median of ${times.length}: ${median.toFixed(1)} ms`);
