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

/** Clicks `selector` `n` times; the ms from each click until the `data-value` of `watched` (a
 *  view's reading without a figure, such as a row of the rare-events table) has changed. */
export function timedToChange(page, selector, watched, n) {
  return page.evaluate(async ({ selector, watched, n }) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      // A MutationObserver fires in the microtask after a change, so no polling delay is counted;
      // the page may update in several steps, so it waits for the watched value itself.
      const before = document.querySelector(watched).dataset.value;
      const changed = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (document.querySelector(watched).dataset.value === before) return;
          observer.disconnect();
          resolve(performance.now());
        });
        observer.observe(document.querySelector(watched).closest('[role=tabpanel]'), { attributes: true, subtree: true, childList: true, attributeFilter: ['data-value'] });
      });
      const t0 = performance.now();
      document.querySelector(selector).click();
      times.push((await changed) - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
    return times;
  }, { selector, watched, n });
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

/** Clicks `selector` `n` times (after `warmup` untimed clicks), scrolled into view as a person
 *  would see it; per click, the main thread's work until the change is on screen: the click's
 *  handlers and the app's reactive updates (until a message posted after them arrives), plus
 *  the rendering of the next frame (style, layout, paint: from that frame's animation callback
 *  to a task queued behind it). The wait for vsync in between is left out, so under 16 ms
 *  means the change is painted in the next frame. */
export function busyClicks(page, selector, n, warmup = 20) {
  return page.evaluate(async ({ selector, n, warmup }) => {
    const target = document.querySelector(selector);
    target.scrollIntoView({ block: 'center' });
    const settle = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    const frame = () => new Promise((r) => requestAnimationFrame(() => { const start = performance.now(); setTimeout(() => r(performance.now() - start), 0); }));
    const times = [];
    for (let i = 0; i < n + warmup; i++) {
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t0 = performance.now();
      target.click();
      await settle();
      const script = performance.now() - t0;
      const rendering = await frame();
      if (i >= warmup) times.push(script + rendering);
    }
    return times;
  }, { selector, n, warmup });
}
