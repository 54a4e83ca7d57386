// An update served while a page is open: the open page keeps working on its own version, says
// that a new one is ready, and a reload brings the whole new version, never a mix of the two.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const port = 8183;
const origin = `http://127.0.0.1:${port}`;

/** Serves `link`, a symbolic link that can be pointed at another build while pages are open. */
async function serve(link) {
  const server = spawn('node', [join(root, 'tests/e2e/serve.mjs'), link, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ready) => server.stdout.once('data', ready));
  return server;
}

/** The text a file has in the page's view: through the service worker, as the app fetches. */
const fetched = (page, file) => page.evaluate((f) => fetch(f).then((r) => r.text()), file);

test('an update served while the page is open: the old page keeps working, a reload gets the whole new version', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'livemeta-update-'));
  const [first, second, link] = [join(dir, 'first'), join(dir, 'second'), join(dir, 'current')];
  cpSync(join(root, 'dist'), first, { recursive: true });
  cpSync(join(root, 'dist'), second, { recursive: true });
  // The second build: another version of the worker and a changed style sheet.
  const sw = readFileSync(join(second, 'sw.js'), 'utf8');
  writeFileSync(join(second, 'sw.js'), sw.replace(/const VERSION = '([^']*)'/, "const VERSION = '$1-second'"));
  appendFileSync(join(second, 'main.css'), '\n:root { --build: second; }\n');
  // Its page names the new style sheet's hash (subresource integrity), as a build would.
  const hash = (file) => `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
  const html = readFileSync(join(second, 'index.html'), 'utf8');
  writeFileSync(join(second, 'index.html'), html.replace(hash(join(first, 'main.css')), hash(join(second, 'main.css'))));
  symlinkSync(first, link);
  const server = await serve(link);
  try {
    await page.goto(`${origin}/index.html`);
    await expect(page.getByTestId('pooled-estimate')).toBeVisible();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const before = await page.getByTestId('pooled-estimate').getAttribute('data-value');

    // The server now holds the second build.
    rmSync(link);
    symlinkSync(second, link);
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await expect(page.getByTestId('update-ready')).toBeVisible();
    await expect(page.getByTestId('update-ready')).toContainText('A new version of livemeta is ready');

    // The open page still works, and every file it fetches is still its own version's.
    await page.getByTestId('trial-toggle-chronos').click();
    await expect(page.getByTestId('pooled-estimate')).not.toHaveAttribute('data-value', before);
    expect(await fetched(page, 'main.css')).not.toContain('--build: second');
    expect(await fetched(page, 'livemeta-worker.js')).toBe(readFileSync(join(first, 'livemeta-worker.js'), 'utf8'));

    // Asked to, it reloads into the second build, all of it, with the analysis kept.
    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
    await expect(page.getByTestId('pooled-estimate')).toBeVisible();
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--build').trim())).toBe('second');
    await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
    expect(await fetched(page, 'sw.js')).toContain('-second');
    await expect(page.getByTestId('update-ready')).toHaveCount(0);
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
