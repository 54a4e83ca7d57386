// Shared by the browser benchmarks: clicks that are timed to the forest plot's redraw (the
// app's 'forest-drawn' mark) and to the next animation frame, when the browser paints it.

/** Clicks `selector` `n` times in the page; returns [redrawn ms, next frame ms] per click. */
export function timedClicks(page, selector, n) {
  return page.evaluate(async ({ selector, n }) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      performance.clearMarks('forest-drawn');
      const t0 = performance.now();
      document.querySelector(selector).click();
      while (performance.getEntriesByName('forest-drawn').length === 0) await new Promise((r) => setTimeout(r, 0));
      const drawn = performance.getEntriesByName('forest-drawn')[0].startTime - t0;
      await new Promise((r) => requestAnimationFrame(() => r()));
      times.push([drawn, performance.now() - t0]);
    }
    return times;
  }, { selector, n });
}

/** A fresh page on `port` with k synthetic studies (seed 7) pasted as the user's data, DL. */
export async function pageWithSynthetic(browser, port, k) {
  const root = new URL('../../../', import.meta.url).pathname;
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:${port}/index.html?model=DL`);
  await page.waitForSelector('[data-testid=pooled-estimate]');
  const { execFileSync } = await import('node:child_process');
  const csv = execFileSync(`${root}target/native/livemeta`, ['synthetic', String(k), '7'], { encoding: 'utf8' });
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  return page;
}

/** Clicks `selector` `n` times; the ms from each click to the performance mark `mark` (a view's
 *  figure drawn). With `closeFirst`, that element is clicked first each time (a tab closed, so
 *  the click measured opens it). */
export function timedToMark(page, selector, mark, n, closeFirst = null) {
  return page.evaluate(async ({ selector, mark, n, closeFirst }) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      if (closeFirst) {
        document.querySelector(closeFirst).click();
        await new Promise((r) => setTimeout(r, 50));
      }
      performance.clearMarks(mark);
      const t0 = performance.now();
      document.querySelector(selector).click();
      while (performance.getEntriesByName(mark).length === 0) await new Promise((r) => setTimeout(r, 0));
      times.push(performance.getEntriesByName(mark)[0].startTime - t0);
    }
    return times;
  }, { selector, mark, n, closeFirst });
}
