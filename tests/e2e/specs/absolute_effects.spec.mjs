import { test, expect } from '@playwright/test';
import { openApp, runRLines, shownValue } from './helpers.mjs';

/** The absolute effect the page shows: control risk, risk with the intervention, and its CI. */
async function shownAbsolute(page) {
  await expect(page.getByTestId('absolute-effect')).toHaveAttribute('data-value', /.+/);
  return (await page.getByTestId('absolute-effect').getAttribute('data-value')).split(',').map(Number);
}

async function rCode(page) {
  return page.getByTestId('r-code').inputValue();
}

for (const [query, source] of [['', 'pooled'], ['?acr=median&measure=OR&model=REML', 'median'], ['?acr=0.05&measure=RD&model=DL', 'assumed']]) {
  test(`the absolute effect equals R's from the metafor fit (${source} control risk)`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await openApp(page, query);
    const shown = await shownAbsolute(page);
    const r = runRLines(await rCode(page)).absolute;
    for (let i = 0; i < 4; i++) expect(shown[i]).toBeCloseTo(r[i], 7);
    await expect(page.getByTestId('control-risk-select')).toHaveValue(source);
    // The sentence gives the same numbers per 1,000 and names where the control risk comes from.
    const text = await page.getByTestId('absolute-effect').textContent();
    expect(text).toContain(`${Math.round(r[1] * 1000)} per 1,000 with dupilumab`);
    expect(text).toMatch(source === 'median' ? /median control-arm risk/ : source === 'pooled' ? /pooled control-arm risk/ : /assumed control risk of 50 per 1,000/);
  });
}

test('an NNT whose CI crosses no effect reads NNTB x to infinity to NNTH y', async ({ page }) => {
  await openApp(page, '?outcome=herpes_infections&model=REML');
  const [acr, , lower, upper] = await shownAbsolute(page);
  expect(lower).toBeLessThan(acr);
  expect(upper).toBeGreaterThan(acr);
  await expect(page.getByTestId('absolute-effect')).toContainText(/NNT[BH] \d+ \(95% CI NNTB \d+ to ∞ to NNTH \d+\)/);
});

test('a typed control risk is used, kept in the link, and a bad one is named and changes nothing', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('control-risk-select').selectOption('assumed');
  await page.getByTestId('control-risk-input').fill('50');
  await page.getByTestId('control-risk-input').press('Enter');
  await expect(page).toHaveURL(/acr=0\.05/);
  expect((await shownAbsolute(page))[0]).toBeCloseTo(0.05, 12);
  await page.getByTestId('control-risk-input').fill('2000');
  await page.getByTestId('control-risk-input').press('Enter');
  await expect(page.getByTestId('control-risk-error')).toContainText('"2000" is not a number of patients per 1,000');
  await expect(page.getByTestId('control-risk-input')).toHaveValue('2000');
  expect((await shownAbsolute(page))[0]).toBeCloseTo(0.05, 12);
  await page.reload();
  await expect(page.getByTestId('control-risk-select')).toHaveValue('assumed');
  expect((await shownAbsolute(page))[0]).toBeCloseTo(0.05, 12);
});

for (const [query, threshold, r] of [
  ['?outcome=serious_adverse_events&model=REML&pi=t2', 'effect:0.8', 'log(0.8)'],
  ['?model=REML&knha=1&pi=t1&mcid=per1000:-20', 'per1000:-20', null],
]) {
  test(`a clinically important threshold: its band and probabilities equal R's (${threshold})`, async ({ page }) => {
    await openApp(page, query);
    if (threshold === 'effect:0.8') {
      await page.getByTestId('threshold-select').selectOption('effect');
      await expect(page).toHaveURL(/mcid=effect:0\.8/);
    }
    await expect(page.getByTestId('threshold-probability')).toHaveAttribute('data-value', /.+/);
    const [shownThreshold, mean, newTrial] = (await page.getByTestId('threshold-probability').getAttribute('data-value')).split(',').map(Number);
    // The same formula in R on metafor's fit: the pooled estimate's distribution for the mean,
    // and sqrt(tau^2 + se^2) with the prediction interval's df for a new trial.
    const knha = query.includes('knha=1');
    const at = r ?? `log((acr - 0.02) / acr)`;
    const code = `${await rCode(page)}
at <- ${at}
m <- (at - c(res$beta)) / res$se
n <- (at - c(res$beta)) / sqrt(res$tau2 + res$se^2)
cat(sprintf("livemeta threshold %.12f %.12f %.12f\\n", exp(at), ${knha ? 'pt(m, res$k - 1)' : 'pnorm(m)'}, pt(n, res$k - ${knha ? 1 : 2})))
`;
    const [rThreshold, rMean, rNew] = runRLines(code).threshold;
    expect(shownThreshold).toBeCloseTo(rThreshold, 9);
    expect(mean).toBeCloseTo(rMean, 7);
    expect(newTrial).toBeCloseTo(rNew, 7);
    const percent = (p) => (p > 0.999 ? '> 99.9%' : p < 0.001 ? '< 0.1%' : `${Math.round(p * 100)}%`);
    await expect(page.getByTestId('threshold-probability')).toContainText(`: ${percent(rMean)} (from the pooled estimate's distribution)`);
    expect(await shownValue(page, 'pooled-estimate')).toBeGreaterThan(0);
  });
}

test("the clinician's view at 1280x720: the result in words, the absolute effect, the caveats; all methods one switch away", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openApp(page, '?presenter=1', { clinician: true });
  await expect(page.getByTestId('result-in-words')).toContainText(/^In these \d trials, dupilumab was associated with fewer skin infections: RR \d\.\d\d \(95% CI/);
  await expect(page.getByTestId('published-reference')).toContainText('Published (Fleming 2018)');
  await expect(page.getByTestId('absolute-effect')).toContainText('per 1,000 with dupilumab');
  await expect(page.getByTestId('coverage')).toBeVisible();
  for (const hidden of ['sensitivity', 'knha-toggle', 'result-estimate', 'story-replay']) await expect(page.getByTestId(hidden)).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('clinician-presenter-1280x720.png') });
  // Every figure stated is inside the window: nothing to scroll to on a projector.
  for (const id of ['result-in-words', 'absolute-effect', 'forest-plot']) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
  }

  await page.getByTestId('methods-toggle').check();
  await expect(page).toHaveURL(/methods=1/);
  await page.getByTestId('view-loo').click();
  await expect(page.getByTestId('loo-row-chronos')).toContainText(/per 1,000, from \d+ fewer to \d+ fewer/);
  await page.reload();
  await expect(page.getByTestId('view-loo')).toHaveAttribute('aria-selected', 'true');
  // The cumulative refits read per 1,000 too; the last one is the whole pool.
  const whole = (await page.getByTestId('absolute-effect').textContent()).match(/(\d+) fewer per 1,000/)?.[1];
  await page.getByTestId('view-cumulative').click();
  await expect(page.locator('[data-testid^=cumulative-row-]').last()).toContainText(`; ${whole} fewer per 1,000`);
  await page.getByTestId('methods-toggle').uncheck();
  await expect(page.getByTestId('sensitivity')).toHaveCount(0);
  await expect(page).not.toHaveURL(/view=/);
});

test("the clinician's view at 375 px", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openApp(page, '', { clinician: true });
  await expect(page.getByTestId('absolute-effect')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('clinician-375.png'), fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
});
