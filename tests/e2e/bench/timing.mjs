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
