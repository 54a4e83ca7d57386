// Sensitivity views follow the main controls, agree with the native engine, and act on the
// main screen when clicked.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedFromCsv, expectPooled, expectedAnalysis, openApp, runRView } from './helpers.mjs';

const root = new URL('../../../', import.meta.url).pathname;
function sensitivity(outcome, method, exclude = []) {
  const csv = execFileSync(join(root, 'target/native/livemeta'), ['export', join(root, 'assets/dupilumab.json'), '--outcome', outcome,
    ...(exclude.length ? ['--exclude', exclude.join(',')] : [])], { encoding: 'utf8' });
  return expectedFromCsv(csv, { measure: 'RR', method, extra: ['--sensitivity'] });
}
const value = async (locator) => Number(await locator.getAttribute('data-value'));

test('no view is computed until one is chosen; a tab opens and closes it', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events');
  await expect(page.getByTestId('loo-view')).toHaveCount(0);
  await page.getByTestId('view-loo').click();
  await expect(page.getByTestId('loo-view')).toBeVisible();
  await expect(page).toHaveURL(/view=loo/);
  await page.getByTestId('view-loo').click();
  await expect(page.getByTestId('loo-view')).toHaveCount(0);
});

test('leave-one-out: every refit as the engine gives it, a toggle recomputes it, a click applies it', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=loo');
  const expected = sensitivity('serious_adverse_events', 'REVMAN');
  const ids = ['solo1', 'solo2', 'chronos'];
  expect(expected.leave_one_out).toHaveLength(3);
  for (const [i, id] of ids.entries()) {
    expect(await value(page.getByTestId(`loo-row-${id}`))).toBeCloseTo(expected.leave_one_out[i].analysis.Ok.pooled.estimate, 9);
  }
  await expect(page.getByTestId('loo-row-chronos')).toContainText('Leaving out CHRONOS moves the RR from');
  // Switching a trial off in the main controls recomputes the view.
  await page.getByTestId('trial-toggle-solo1').click();
  const without = sensitivity('serious_adverse_events', 'REVMAN', ['solo1']);
  await expect(page.getByTestId('loo-row-solo1')).toHaveCount(0);
  expect(await value(page.getByTestId('loo-row-chronos'))).toBeCloseTo(without.leave_one_out[1].analysis.Ok.pooled.estimate, 9);
  await page.getByTestId('trial-toggle-solo1').click();
  // Applying a row switches that trial off on the main screen.
  await page.getByTestId('loo-apply-chronos').click();
  await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
  await expectPooled(page, expectedAnalysis({ outcome: 'serious_adverse_events', exclude: ['chronos'], measure: 'RR', method: 'REVMAN' }));
});

test('cumulative: trials added in the chosen order, as the engine pools them', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=cumulative&order=listed&model=REML');
  const expected = sensitivity('serious_adverse_events', 'REML');
  for (const [i, id] of ['solo1', 'solo2', 'chronos'].entries()) {
    expect(await value(page.getByTestId(`cumulative-row-${id}`))).toBeCloseTo(expected.cumulative[i].analysis.Ok.pooled.estimate, 9);
  }
  // By year, CHRONOS (2017) comes after the 2016 trials; the link keeps the order.
  await page.getByTestId('cumulative-order').selectOption('year');
  await expect(page.locator('[data-testid=cumulative-view] li').last()).toContainText('CHRONOS (2017)');
  await expect(page).not.toHaveURL(/order=/);
  await page.getByTestId('cumulative-order').selectOption('size');
  await expect(page).toHaveURL(/order=size/);
  await expect(page.getByTestId('cumulative-plot')).toBeVisible();
});

test('subgroups: each pool and the test for differences as the engine gives them', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=subgroups');
  const csv = execFileSync(join(root, 'target/native/livemeta'), ['export', join(root, 'assets/dupilumab.json'), '--outcome', 'serious_adverse_events'], { encoding: 'utf8' });
  const lines = csv.trim().split('\n');
  const background = { SOLO: 'monotherapy', CHRONOS: 'with topical corticosteroids' };
  const withGroups = [`${lines[0]},subgroup`, ...lines.slice(1).map((l) => `${l},${background[l.startsWith('CHRONOS') ? 'CHRONOS' : 'SOLO']}`)].join('\n');
  const expected = expectedFromCsv(withGroups, { measure: 'RR', method: 'REVMAN', extra: ['--subgroups'] });
  expect(await value(page.getByTestId('subgroup-test'))).toBeCloseTo(expected.subgroups.q_between, 9);
  await expect(page.getByTestId('subgroup-test')).toContainText('df = 1');
  await page.getByTestId('subgroup-by').selectOption('publication');
  await expect(page).toHaveURL(/by=publication/);
  await expect(page.getByTestId('subgroups-view')).toContainText('Blauvelt 2017, Lancet (1 trial)');
});

test('subgroups of imported data: any further CSV column groups the studies', async ({ page }) => {
  const csv = 'study,events_treatment,total_treatment,events_control,total_control,year,subgroup\n' +
    'A,3,40,6,41,2001,low\nB,1,30,5,31,2004,high\nC,5,60,11,58,2001,low\nD,2,25,7,24,2010,high\nE,4,50,4,52,2010,\n';
  await openApp(page, '?model=REML');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await page.getByTestId('view-subgroups').click();
  await expect(page.getByTestId('subgroup-column')).toHaveValue('year');
  await expect(page.getByTestId('subgroups-view')).toContainText('2001 (2 trials)');
  await page.getByTestId('subgroup-column').selectOption('subgroup');
  await expect(page.getByTestId('subgroups-view')).toContainText('(blank) (1 trial)');
  const expected = expectedFromCsv(csv, { measure: 'RR', method: 'REML', extra: ['--subgroups'] });
  await expect.poll(() => value(page.getByTestId('subgroup-test'))).toBeCloseTo(expected.subgroups.q_between, 9);
  const r = runRView(await page.getByTestId('r-code-subgroups').inputValue());
  const shown = await Promise.all((await page.locator('[data-testid^=subgroup-row-], [data-testid=subgroup-test]').all()).map(value));
  expect(r).toHaveLength(shown.length);
  r.forEach((x, i) => expect(x).toBeCloseTo(shown[i], 6));
});

test('small-study effects: Egger, Begg, Peters, Harbord, PET-PEESE, fail-safe N and trim-and-fill as the engine gives them, with the power warning', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=smallstudy&model=DL');
  const expected = sensitivity('serious_adverse_events', 'DL');
  expect(await value(page.getByTestId('egger-result'))).toBeCloseTo(expected.egger.p_value, 9);
  expect(await value(page.getByTestId('egger-mixed-result'))).toBeCloseTo(expected.egger_mixed.p_value, 9);
  await expect(page.getByTestId('egger-mixed-result')).toContainText("metafor's default regtest()");
  expect(await value(page.getByTestId('begg-result'))).toBeCloseTo(expected.begg.p_value, 9);
  expect(await value(page.getByTestId('peters-result'))).toBeCloseTo(expected.peters.p_value, 9);
  expect(await value(page.getByTestId('ruecker-result'))).toBeCloseTo(expected.ruecker.p_value, 9);
  expect(await value(page.getByTestId('harbord-result'))).toBeCloseTo(expected.harbord.p_value, 9);
  await expect(page.getByTestId('harbord-result')).toContainText(`df = ${expected.harbord.df}`);
  const pp = expected.pet_peese;
  const chosen = pp.uses_peese ? pp.peese : pp.pet;
  expect(await value(page.getByTestId('pet-peese-result'))).toBeCloseTo(Math.exp(chosen.limit_estimate), 9);
  await expect(page.getByTestId('pet-peese-result')).toContainText(`the corrected estimate is ${pp.uses_peese ? 'PEESE' : 'PET'}'s`);
  const selection = expected.selection_model;
  if (selection.error) {
    await expect(page.getByTestId('selection-model-result')).toContainText(selection.error);
  } else {
    expect(await value(page.getByTestId('selection-model-result'))).toBeCloseTo(Math.exp(selection.mu.estimate), 9);
    await expect(page.getByTestId('selection-model-result')).toContainText(`towards RR ${selection.favours_lower ? '<' : '>'} 1`);
  }
  const fsn = expected.fail_safe_n;
  await expect(page.getByTestId('fsn-result')).toHaveAttribute('data-value', `${fsn.rosenthal},${fsn.rosenberg},${fsn.orwin}`);
  for (const [code, key] of [['L0', 'trim_and_fill'], ['R0', 'trim_and_fill_r0'], ['Q0', 'trim_and_fill_q0']]) {
    const engine = expected[key];
    // Where the estimator is undefined (metafor stops there too) the page says so.
    if (engine.error) await expect(page.getByTestId(`trimfill-${code}`)).toContainText('not defined');
    else expect(await value(page.getByTestId(`trimfill-${code}`))).toBeCloseTo(Math.exp(engine.fit.estimate), 9);
  }
  await expect(page.getByTestId('small-study-warning')).toContainText('little power');
  await expect(page.getByTestId('funnel-plot')).toBeVisible();
  // The view follows the trial toggles: with two trials Egger's test cannot run.
  await page.getByTestId('trial-toggle-solo1').click();
  await expect(page.getByTestId('egger-result')).toContainText('needs at least 3 studies');
});

test('influence: metafor influence() diagnostics as the engine gives them, Baujat and L\'Abbé plots', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=influence&model=DL');
  const expected = sensitivity('serious_adverse_events', 'DL');
  const rows = page.locator('[data-testid=influence-table] tbody tr');
  await expect(rows).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    expect(Number(await rows.nth(i).getAttribute('data-value'))).toBeCloseTo(expected.influence[i].cook_d, 9);
  }
  await expect(page.getByTestId('labbe-plot')).toBeVisible();
  await expect(page.getByTestId('baujat-plot')).toBeVisible();
  // Under RevMan's M-H model the view says in plain words what it needs, draws nothing, and
  // one click refits under REML (one undo step).
  await page.getByTestId('model-select').selectOption('REVMAN');
  await expect(page.getByTestId('iv-needed')).toContainText('inverse-variance weights');
  await expect(page.getByTestId('influence-table')).toHaveCount(0);
  await expect(page.getByTestId('baujat-plot')).toHaveCount(0);
  await page.getByTestId('iv-use-reml').click();
  await expect(page.getByTestId('model-select')).toHaveValue('REML');
  await expect(rows).toHaveCount(3);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('model-select')).toHaveValue('REVMAN');
});

test('with no trial to pool, no view draws empty axes or offers to export them; each says why', async ({ page }) => {
  for (const view of ['loo', 'cumulative', 'influence', 'gosh']) {
    await openApp(page, `?outcome=infections_all&model=DL&view=${view}`);
    await expect(page.getByTestId(`${view}-view`)).toBeVisible();
    await expect(page.getByTestId(`${view}-view`)).toContainText(/No |no /);
    await expect(page.locator('.sensitivity-view canvas:visible')).toHaveCount(0);
    await expect(page.locator('.sensitivity-view').getByRole('button', { name: /^(SVG|PNG)$/ })).toHaveCount(0);
  }
});

test('the views that refit an inverse-variance model never draw an empty figure under another', async ({ page }) => {
  await openApp(page);
  for (const view of ['influence', 'gosh', 'metareg', 'blup']) {
    await page.getByTestId(`view-${view}`).click();
    await expect(page.getByTestId('iv-needed')).toBeVisible();
    await expect(page.getByTestId('iv-needed')).toContainText('Random effects, M-H (RevMan 5)');
    await expect(page.locator('.sensitivity-view canvas')).toHaveCount(0);
    await expect(page.locator('.sensitivity-view').getByRole('button', { name: /SVG|PNG/ })).toHaveCount(0);
  }
  await page.getByTestId('view-smallstudy').click();
  await expect(page.getByTestId('iv-needed')).toContainText('Trim-and-fill and the mixed-effects Egger test');
});

test('each view\'s R code runs in metafor and prints the numbers the page shows', async ({ page }) => {
  const shown = async (selector) => Promise.all((await page.locator(selector).all()).map(async (l) => Number(await l.getAttribute('data-value'))));
  const check = async (view, query, selector) => {
    await openApp(page, `?outcome=serious_adverse_events&view=${view}${query}`);
    const r = runRView(await page.getByTestId(`r-code-${view}`).inputValue());
    const page_values = await shown(selector);
    expect(r).toHaveLength(page_values.length);
    r.forEach((x, i) => expect(x).toBeCloseTo(page_values[i], 6));
  };
  await check('loo', '&model=REML', '[data-testid^=loo-row-]');
  await check('cumulative', '&model=MH&order=size', '[data-testid^=cumulative-row-]');
  const smallStudy = '[data-testid=egger-result], [data-testid=egger-mixed-result], [data-testid=begg-result]';
  await check('smallstudy', '&model=DL', smallStudy);
  await check('smallstudy', '&model=REML&knha=1', smallStudy);
  await check('influence', '&model=DL', '[data-testid=influence-table] tbody tr');
  await check('subgroups', '&model=REML&by=duration', '[data-testid^=subgroup-row-], [data-testid=subgroup-test]');
  await check('subgroups', '&model=MH', '[data-testid^=subgroup-row-], [data-testid=subgroup-test]');
  await check('gosh', '&model=DL', '[data-testid=gosh-count]');
  // RevMan's M-H random model has no metafor refits: the page says so instead of wrong code.
  await openApp(page, '?outcome=serious_adverse_events&view=loo');
  await page.getByText('R code for this view').click();
  await expect(page.getByTestId('r-code-loo')).toContainText('choose an inverse-variance model');
});

test('each view exports as SVG and PNG', async ({ page }) => {
  const save = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    return readFileSync(await download.path());
  };
  await openApp(page, '?outcome=serious_adverse_events&view=loo');
  const svg = (await save('loo-plot-svg')).toString('utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror') !== null, text: doc.documentElement.textContent };
  }, svg);
  expect(parsed.error).toBe(false);
  expect(parsed.text).toContain('Omitting CHRONOS');
  expect(parsed.text).toContain('Serious adverse events');
  for (const [view, testid] of [['loo', 'loo-plot-png'], ['smallstudy&model=DL', 'funnel-plot-png'], ['influence&model=DL', 'baujat-plot-png']]) {
    await openApp(page, `?outcome=serious_adverse_events&view=${view}`);
    const png = await save(testid);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1920);
  }
});

/** Where the GOSH plot has subset points: bluish pixels (dots or density cells), left to right. */
function goshPoints(page) {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid=gosh-plot]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const dpr = c.width / c.clientWidth;
    const out = [];
    for (let x = 0; x < c.width; x += 2) for (let y = 0; y < c.height; y += 2) {
      const i = (y * c.width + x) * 4;
      if (d[i + 2] - d[i] > 60 && d[i + 2] > d[i + 1]) out.push([x / dpr, y / dpr]);
    }
    return out;
  });
}

async function importSynthetic(page, k, query = '') {
  const csv = execFileSync(join(root, 'target/native/livemeta'), ['synthetic', String(k), '5'], { encoding: 'utf8' });
  await openApp(page, query);
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId(`trial-toggle-row${k}`)).toBeVisible();
  return csv;
}

test('GOSH above 12 trials runs in a worker with progress; a click applies that subset', async ({ page }) => {
  const csv = await importSynthetic(page, 14, '?model=DL');
  await page.getByTestId('view-gosh').click();
  await expect(page.getByTestId('gosh-count')).toContainText('16,383 subsets of 14 trials, each fitted', { timeout: 30000 });
  const points = await goshPoints(page);
  expect(points.length).toBeGreaterThan(0);
  await page.getByTestId('gosh-plot').click({ position: { x: points[0][0], y: points[0][1] } });
  await expect(page).toHaveURL(/off=/);
  const off = new URL(page.url()).searchParams.get('off').split(',');
  const [header, ...lines] = csv.trim().split('\n');
  const kept = [header, ...lines.filter((_, i) => !off.includes(`row${i + 1}`))].join('\n') + '\n';
  expect(kept.split('\n').length - 2).toBeGreaterThan(0);
  await expectPooled(page, expectedFromCsv(kept, { measure: 'RR', method: 'DL' }));
  // The view follows the main screen: the new subset's GOSH is fitted again.
  await expect(page.getByTestId('gosh-count')).toContainText(`subsets of ${14 - off.length} trials`, { timeout: 30000 });
});

test('GOSH in the worker can be cancelled and fitted again; the page stays usable', async ({ page }) => {
  await importSynthetic(page, 20, '?model=REML');
  await page.getByTestId('view-gosh').click();
  await expect(page.getByTestId('gosh-progress')).toBeVisible();
  await expect(page.getByTestId('gosh-count')).toContainText('Fitting 1,048,575 subsets of 20 trials in the background');
  await page.getByTestId('gosh-cancel').click();
  await expect(page.getByTestId('gosh-count')).toContainText('Cancelled after');
  await expect(page.getByTestId('gosh-progress')).toHaveCount(0);
  await page.getByTestId('gosh-run').click();
  await expect(page.getByTestId('gosh-progress')).toBeVisible();
  // While it runs, the main screen still answers.
  await page.getByTestId('trial-toggle-row1').click();
  await expect(page.getByTestId('trial-toggle-row1')).not.toBeChecked();
  await page.getByTestId('gosh-cancel').click();
  await expect(page.getByTestId('gosh-count')).toContainText('Cancelled after');
});

test('GOSH above 20 trials fits a stated number of random subsets', async ({ page }) => {
  await importSynthetic(page, 22, '?model=DL');
  await page.getByTestId('view-gosh').click();
  await expect(page.getByTestId('gosh-count')).toContainText('1,000,000 random subsets of 22 trials (too many to fit all 2^22 − 1', { timeout: 60000 });
  await expect(page.getByTestId('gosh-count')).toContainText('each fitted with the current model', { timeout: 60000 });
  expect((await goshPoints(page)).length).toBeGreaterThan(100);
});

test('GOSH: every subset fitted, and clicking a point analyses that subset on the main screen', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=gosh&model=DL');
  await expect(page.getByTestId('gosh-count')).toContainText('7 subsets of 3 trials');
  // Find the blue subset points in the canvas pixels and click the leftmost one (the orange
  // point is the current selection): the main screen then pools that subset.
  const points = await goshPoints(page);
  expect(points.length).toBeGreaterThan(0);
  await page.getByTestId('gosh-plot').click({ position: { x: points[0][0], y: points[0][1] } });
  await expect(page).toHaveURL(/off=/);
  const off = new URL(page.url()).searchParams.get('off').split(',');
  expect(off.length).toBeGreaterThan(0);
  expect(off.length).toBeLessThan(3);
  await expectPooled(page, expectedAnalysis({ outcome: 'serious_adverse_events', exclude: off, measure: 'RR', method: 'DL' }));
});

test('presenter mode shows each view at 1280x720 without scrolling, in place of the main plot', async ({ browser }, testInfo) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const figures = { loo: 'loo-plot', cumulative: 'cumulative-plot', subgroups: 'subgroups-plot', smallstudy: 'funnel-plot', influence: 'labbe-plot', gosh: 'gosh-plot', multiverse: 'multiverse-plot', fragility: 'fragility-plot', tsa: 'tsa-plot', tau2: 'estimators-table', metareg: 'metareg-view', bayes: 'bayes-plot', rare: 'rare-table', blup: 'radial-plot', rob: 'rob-plot', lens: 'lens-table' };
  for (const outcome of ['infections_all', 'serious_adverse_events', 'skin_infections']) {
    for (const [view, figure] of Object.entries(figures)) {
      await openApp(page, `?outcome=${outcome}&model=DL&presenter=1&view=${view}`);
      await expect(page.getByTestId(`${view}-view`)).toBeVisible();
      await expect(page.getByTestId('forest-plot')).toBeHidden();
      await page.waitForTimeout(100); // the figure is fitted after the layout settles
      // With no trial reporting the outcome, some views have no figure, only their reason.
      if (outcome !== 'infections_all') {
        const box = await page.getByTestId(figure).boundingBox();
        expect(box.y + box.height, `${outcome} ${view}`).toBeLessThanOrEqual(720);
      }
      expect(await page.evaluate(() => document.documentElement.scrollHeight), `${outcome} ${view}`).toBeLessThanOrEqual(720);
      await page.screenshot({ path: testInfo.outputPath(`presenter-${outcome}-${view}.png`) });
    }
  }
  // The meta-regression's bubble plot, on the data it is made for.
  await openApp(page, '?set=bcg-colditz1994&model=REML&presenter=1&view=metareg&mod=absolute%20latitude');
  await page.waitForTimeout(100);
  const bubbles = await page.getByTestId('metareg-plot').boundingBox();
  expect(bubbles.y + bubbles.height).toBeLessThanOrEqual(720);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
  await page.screenshot({ path: testInfo.outputPath('presenter-bcg-metareg.png') });
  // Entering presenter mode from the desk fits the open view too.
  await openApp(page, '?outcome=infections_all&model=DL&view=loo');
  await page.getByTestId('presenter-toggle').check();
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
});

test('multiverse: every specification over the dose choices and outcome definitions, tallied as the engine does; a click applies one; SVG export', async ({ page }) => {
  // The oracle: the CLI's multiverse over the same data variants: each dose (all arms, then each
  // regimen) with each way of defining the outcome (each trial's first, then each definition
  // preferred in turn), leaving out a variant with no trials or the same tables as an earlier
  // one of its dose.
  const cli = join(root, 'target/native/livemeta');
  const dataset = join(root, 'assets/dupilumab.json');
  const definitions = JSON.parse(readFileSync(dataset, 'utf8')).outcomes.find((o) => o.id === 'skin_infections').definition_preference;
  const files = [];
  for (const dose of ['all', 'd300qw', 'd300q2w']) {
    const seen = [];
    for (const definition of [null, ...definitions]) {
      const csv = execFileSync(cli, ['export', dataset, '--outcome', 'skin_infections', '--dose', dose, ...(definition ? ['--definition', definition] : [])], { encoding: 'utf8' });
      if (csv.trim().split('\n').length < 2 || seen.includes(csv)) continue;
      seen.push(csv);
      const file = join(mkdtempSync(join(tmpdir(), 'livemeta-mv-')), `${dose}.csv`);
      writeFileSync(file, csv);
      files.push(file);
    }
  }
  expect(files.length).toBeGreaterThan(3);
  const expected = JSON.parse(execFileSync(cli, ['multiverse', ...files], { encoding: 'utf8' }));
  await openApp(page, '?outcome=skin_infections&view=multiverse');
  const { below, above, neither } = expected.tally;
  await expect(page.getByTestId('multiverse-summary')).toHaveAttribute('data-value', `${below},${above},${neither}`);
  await expect(page.getByTestId('multiverse-summary')).toContainText(`${below + above + neither} specifications run`);
  await expect(page.getByTestId('multiverse-summary')).toContainText(`${files.length} ways of taking the data: 3 dose choices by outcome definitions`);
  // Click the first specification shown (the smallest ratio): it becomes the analysis on screen.
  const shown = expected.results.filter((r) => r.spec.options.measure !== 'RD').sort((a, b) => a.estimate - b.estimate);
  const canvas = page.getByTestId('multiverse-plot');
  const box = await canvas.boundingBox();
  const n = Number((await page.getByTestId('multiverse-position').textContent()).match(/of (\d+) shown/)[1]);
  expect(n).toBe(shown.length);
  // The columns start after the choice labels: two clicks give their left edge and width (each
  // applies its specification and the page names its place), then the first is clicked.
  const position = page.getByTestId('multiverse-position');
  const placeAfterClick = async (x) => {
    const before = await position.textContent();
    await canvas.click({ position: { x, y: 100 } });
    // The page names the new place once it has redrawn (the same place leaves it as it was).
    await expect.poll(() => position.textContent(), { timeout: 500 }).not.toBe(before).catch(() => {});
    return Number((await position.textContent()).match(/specification (\d+) of/)[1]);
  };
  const [x1, x2] = [box.width * 0.5, box.width * 0.9];
  const [i1, i2] = [await placeAfterClick(x1), await placeAfterClick(x2)];
  // x1 lies somewhere in column i1: the first column is within a column's width of this.
  const step = (x2 - x1) / (i2 - i1);
  const first = x1 - (i1 - 0.5) * step;
  for (let x = first - step; x < first + 2 * step; x += step / 3) {
    if (x > 0 && (await placeAfterClick(x)) === 1) break;
  }
  await expect(page.getByTestId('multiverse-position')).toContainText(`specification 1 of ${n}`);
  await expect.poll(async () => Number(await page.getByTestId('pooled-estimate').getAttribute('data-value'))).toBeCloseTo(shown[0].estimate, 9);
  // Risk differences are their own curve.
  await page.getByTestId('multiverse-family').selectOption('rd');
  await expect(page.getByTestId('multiverse-position')).toContainText(`${expected.results.length - shown.length} shown`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('multiverse-plot-svg').click()]);
  const svg = readFileSync(await download.path(), 'utf8');
  expect(svg).toContain('specifications, sorted by estimate');
  expect(svg).toContain('modified HKSJ');
});

test('fragility: the fewest patients whose status flips the conclusion, as the engine finds them; apply makes them your data', async ({ page }) => {
  const expected = sensitivity('skin_infections', 'IV').fragility;
  await openApp(page, '?outcome=skin_infections&model=IV&view=fragility');
  await expect(page.getByTestId('fragility-summary')).toHaveAttribute('data-value', `${expected.total},${expected.exact}`);
  await expect(page.getByTestId('fragility-summary')).toContainText(`becomes no significant difference when ${expected.total} patients' event status changes`);
  await expect(page.getByTestId('fragility-summary')).toContainText('Exact: every combination of changes to 18 patients or fewer');
  await expect(page.getByTestId('fragility-change-chronos')).toHaveCount(2);
  await expect(page.getByTestId('fragility-table')).toContainText('17 fewer events');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('fragility-plot-svg').click()]);
  expect(readFileSync(await download.path(), 'utf8')).toContain(`With ${expected.total} patients changed`);
  // What if: the same counts dragged in by hand give the same pool, and the data stays as it is.
  await page.getByText("What if: drag a trial's event counts").click();
  await page.getByTestId('whatif-beck_m12-treatment').fill('1');
  await page.getByTestId('whatif-chronos-treatment').fill('39');
  await page.getByTestId('whatif-chronos-control').fill('39');
  await expect.poll(async () => Number(await page.getByTestId('whatif-result').getAttribute('data-value'))).toBeCloseTo(expected.estimate, 9);
  await expect(page.getByTestId('whatif-result')).toContainText('not significant');
  await expect(page.getByTestId('dataset-select')).toHaveValue('dupilumab-fleming2018');
  await page.getByTestId('whatif-reset').click();
  await expect(page.getByTestId('whatif-result')).toContainText(', significant.');
  await page.getByTestId('fragility-apply').click();
  // The flipped analysis is on screen, on the user's copy, and undo brings the sourced data back.
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  await expect.poll(async () => Number(await page.getByTestId('pooled-estimate').getAttribute('data-value'))).toBeCloseTo(expected.estimate, 9);
  await expect(page.getByTestId('count-chronos-control')).toContainText('39/315');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('dataset-select')).toHaveValue('dupilumab-fleming2018');
});

test('trial sequential analysis: the Z-curve in publication order against the boundaries, as the engine computes them; assumptions are checked, change it and travel in the link', async ({ page, browser }) => {
  await openApp(page, '?set=bcg-colditz1994&model=DL&view=tsa');
  // Publication order: the set's trials by year, ties as listed.
  const bcg = JSON.parse(readFileSync(join(root, 'assets/bcg.json'), 'utf8'));
  const byYear = bcg.trials.map((t, i) => [t.year, i, t.id]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((t) => t[2]);
  const rows = page.locator('[data-testid^=tsa-row-]');
  await expect(rows).toHaveCount(byYear.length);
  const shownOrder = await rows.evaluateAll((items) => items.map((li) => li.dataset.testid.replace('tsa-row-', '')));
  expect(shownOrder).toEqual(byYear);
  // The oracle: the CLI on the same trials in the same order.
  const exported = execFileSync(join(root, 'target/native/livemeta'), ['export', join(root, 'assets/bcg.json'), '--outcome', 'tb'], { encoding: 'utf8' }).trim().split('\n');
  const line = Object.fromEntries(bcg.trials.map((t) => [t.id, exported.find((l) => l.startsWith(`"${t.label}",`) || l.startsWith(`${t.label},`))]));
  const expected = expectedFromCsv([exported[0], ...byYear.map((id) => line[id])].join('\n'), { measure: 'RR', method: 'DL', extra: ['--sensitivity'] }).trial_sequential;
  const participants = expected.looks.at(-1).participants;
  await expect(page.getByTestId('tsa-summary')).toHaveAttribute('data-value', `${expected.required_information_size},${participants},-1`);
  const percent = Math.round((100 * participants) / expected.required_information_size);
  await expect(page.getByTestId('tsa-summary')).toContainText(`${percent}% of the required ${Math.round(expected.required_information_size).toLocaleString('en-US')}; the Z-curve has not crossed the monitoring boundary`);
  for (const [i, id] of byYear.entries()) {
    const row = page.getByTestId(`tsa-row-${id}`);
    expect(Number(await row.getAttribute('data-z'))).toBeCloseTo(expected.looks[i].z, 9);
    const boundary = await row.getAttribute('data-boundary');
    if (expected.looks[i].boundary === null) expect(boundary).toBe('');
    else expect(Number(boundary)).toBeCloseTo(expected.looks[i].boundary, 9);
  }
  const [lower, upper] = expected.adjusted_ci.map((v) => v.toFixed(2));
  await expect(page.getByTestId('tsa-details')).toContainText(`(${lower} to ${upper}) (the boundary ±${expected.adjusted_ci_boundary.toFixed(2)} at the last look`);

  // A bad assumption is named and kept as typed; the analysis stays as it was.
  await page.getByTestId('tsa-power').fill('abc');
  await page.getByTestId('tsa-power').press('Tab');
  await expect(page.getByTestId('tsa-power-error')).toContainText('Power: "abc" is not a percentage above 50 and below 100');
  await expect(page.getByTestId('tsa-power')).toHaveValue('abc');
  await expect(page.getByTestId('tsa-summary')).toHaveAttribute('data-value', `${expected.required_information_size},${participants},-1`);
  // A larger assumed effect needs fewer participants; the link carries it.
  await page.getByTestId('tsa-rrr').fill('30');
  await page.getByTestId('tsa-rrr').press('Tab');
  await expect(page).toHaveURL(/rrr=0\.3(&|$)/);
  const smaller = Number((await page.getByTestId('tsa-summary').getAttribute('data-value')).split(',')[0]);
  expect(smaller).toBeLessThan(expected.required_information_size / 2);
  const fresh = await browser.newPage();
  await openApp(fresh, new URL(page.url()).search);
  await expect(fresh.getByTestId('tsa-rrr')).toHaveValue('30');
  await expect(fresh.getByTestId('tsa-summary')).toHaveAttribute('data-value', await page.getByTestId('tsa-summary').getAttribute('data-value'));
  await fresh.close();
  // Switching a trial off reanalyses at once.
  await page.getByTestId('trial-toggle-bcg13').uncheck();
  await expect(page.getByTestId('tsa-row-bcg13')).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tsa-plot-svg').click()]);
  const svg = readFileSync(await download.path(), 'utf8');
  for (const text of ['RIS ', 'Z-curve', 'Boundary (dashed: on to the RIS)', 'Participants (cumulative)']) expect(svg).toContain(text);
});

test('τ² estimators: the ten estimators side by side as the engine computes them; Use applies one of the seven the engine pools with', async ({ page }) => {
  const expected = sensitivity('serious_adverse_events', 'DL').estimators;
  expect(expected.length).toBe(10);
  await openApp(page, '?outcome=serious_adverse_events&model=DL&view=tau2');
  for (const fit of expected) {
    const row = page.getByTestId(`estimator-${fit.label}`);
    await expect(row).toHaveAttribute('data-value', /.+/);
    expect(Number(await row.getAttribute('data-value'))).toBeCloseTo(fit.analysis.Ok.pooled.estimate, 9);
  }
  await expect(page.getByTestId('estimator-DL')).toContainText('on screen');
  await expect(page.getByTestId('estimator-HS')).toContainText('compared only');
  await page.getByTestId('estimator-use-REML').click();
  await expect(page.getByTestId('model-select')).toHaveValue('REML');
  await expect(page).toHaveURL(/model=REML/);
  await expect(page.getByTestId('estimator-REML')).toContainText('on screen');
  expect(Number(await page.getByTestId('pooled-estimate').getAttribute('data-value'))).toBeCloseTo(expected.find((f) => f.label === 'REML').analysis.Ok.pooled.estimate, 9);
  await expect(page.getByTestId('estimators-revman-note')).toHaveCount(0);
});

test('τ² estimators under RevMan 5\'s model: one line says why its τ² is not the DerSimonian-Laird row\'s', async ({ page }) => {
  await openApp(page, '?view=tau2');
  const onScreen = expectedAnalysis({ outcome: 'skin_infections', measure: 'RR', method: 'REVMAN' }).heterogeneity.tau2;
  const dl = sensitivity('skin_infections', 'REVMAN').estimators.find((f) => f.label === 'DL').analysis.Ok.heterogeneity.tau2;
  const note = page.getByTestId('estimators-revman-note');
  await expect(note).toContainText("RevMan 5's model");
  await expect(note).toContainText(`τ² = ${onScreen.toFixed(4)}`);
  await expect(note).toContainText(`so its τ² is ${dl.toFixed(4)}`);
  expect(onScreen.toFixed(4)).not.toBe(dl.toFixed(4));
});

test('meta-regression: coefficients and the test of the moderator as metafor gives them; a toggle refits; a factor is dummy-coded; the moderator is in the link', async ({ page }) => {
  await openApp(page, '?set=bcg-colditz1994&model=REML&view=metareg');
  await page.getByTestId('metareg-moderator').selectOption('absolute latitude');
  await expect(page).toHaveURL(/mod=absolute%20latitude/);
  await expect(page.getByTestId('metareg-plot')).toBeVisible();
  await expect(page.getByTestId('metareg-model')).toContainText('Random effects, REML, z tests');
  const matchesR = async (ids) => {
    const shown = await Promise.all(ids.map((id) => value(page.getByTestId(id))));
    const r = runRView(await page.getByTestId('r-code-metareg').inputValue());
    expect(r).toHaveLength(shown.length);
    r.forEach((x, i) => expect(x, ids[i]).toBeCloseTo(shown[i], 6));
    return shown;
  };
  const all = await matchesR(['metareg-term-0', 'metareg-term-1', 'metareg-qm']);
  await expect(page.getByTestId('metareg-r2')).toContainText('R² = 75.6%');
  // Switching a trial off refits the regression on the trials left.
  await page.getByTestId('trial-toggle-bcg1').uncheck();
  await expect.poll(() => value(page.getByTestId('metareg-qm'))).not.toBeCloseTo(all[2], 6);
  await matchesR(['metareg-term-0', 'metareg-term-1', 'metareg-qm']);
  await page.getByTestId('trial-toggle-bcg1').check();
  // A text attribute is a factor against its first level; it has no bubble plot. Knapp-Hartung
  // makes the test of the moderator an F test.
  await page.getByTestId('metareg-moderator').selectOption('allocation');
  await page.getByTestId('knha-toggle').check();
  await expect(page.getByTestId('metareg-term-0')).toContainText('intercept (alternate)');
  await expect(page.getByTestId('metareg-term-2')).toContainText('allocation: systematic');
  await expect(page.getByTestId('metareg-qm')).toContainText('F(2, 10)');
  await expect(page.getByTestId('metareg-plot')).toHaveCount(0);
  await matchesR(['metareg-term-0', 'metareg-term-1', 'metareg-term-2', 'metareg-qm']);
  await page.reload();
  await expect(page.getByTestId('metareg-moderator')).toHaveValue('allocation');
});

test('meta-regression of imported data: a study with no value is left out, and the page says so', async ({ page }) => {
  const csv = 'study,events_treatment,total_treatment,events_control,total_control,dose mg\n' +
    'A,3,40,6,41,100\nB,1,30,5,31,200\nC,5,60,11,58,\nD,2,25,7,24,300\nE,4,50,4,52,400\nF,9,80,10,79,200\n';
  await openApp(page, '?model=DL');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await page.getByTestId('view-metareg').click();
  await expect(page.getByTestId('metareg-moderator')).toHaveValue('dose mg');
  await expect(page.getByTestId('metareg-left-out')).toContainText('1 pooled trial has no value for dose mg and is left out (5 used).');
  const expected = expectedFromCsv(csv, { measure: 'RR', method: 'DL', extra: ['--moderator', 'dose mg'] }).meta_regression;
  await expect.poll(() => value(page.getByTestId('metareg-qm'))).toBeCloseTo(expected.moderator_test.statistic, 9);
  expect(await value(page.getByTestId('metareg-term-1'))).toBeCloseTo(expected.terms[1].coefficient.estimate, 9);
  const r = runRView(await page.getByTestId('r-code-metareg').inputValue());
  expect(r[2]).toBeCloseTo(expected.moderator_test.statistic, 6);
});

test('Bayesian random effects: the posterior as the engine gives it, under the prior chosen and in the sensitivity table; the prior is in the link', async ({ page }) => {
  await openApp(page, '?outcome=skin_infections&view=bayes');
  const expected = sensitivity('skin_infections', 'REVMAN').bayes;
  await expect.poll(() => value(page.getByTestId('bayes-mu'))).toBeCloseTo(expected[0].mu.median, 9);
  expect(await value(page.getByTestId('bayes-tau'))).toBeCloseTo(expected[0].tau.median, 9);
  expect(await value(page.getByTestId('bayes-prediction'))).toBeCloseTo(expected[0].prediction.lower, 9);
  await expect(page.getByTestId('bayes-mu')).toContainText(`${(100 * expected[0].prob_mu_below_zero).toFixed(1)}%`);
  for (const [i, code] of ['hn-0-5', 'hn-1', 'hc-0-5', 'hc-1', 'lnt2--2-56-1-74', 'lnt2--2-49-1-52', 'lnt2--1-87-1-52'].entries()) {
    expect(await value(page.getByTestId(`bayes-prior-${code}`))).toBeCloseTo(expected[i].mu.median, 9);
  }
  await expect(page.getByTestId('bayes-prior-lnt2--2-49-1-52')).toContainText('Turner 2015, drug vs placebo, infection / new disease');
  await expect(page.getByTestId('bayes-plot')).toBeVisible();
  // A Turner prior from the list, then one that is not listed, from a link: the select shows it.
  await page.getByTestId('bayes-prior').selectOption('lnt2:-2.49:1.52');
  await expect.poll(() => value(page.getByTestId('bayes-mu'))).toBeCloseTo(expected[5].mu.median, 9);
  await page.goto('/index.html?outcome=skin_infections&view=bayes&prior=lnt2:-3:1');
  await expect(page.getByTestId('bayes-prior')).toHaveValue('lnt2:-3:1');
  // Another prior: the answer follows, and the link carries it.
  await page.getByTestId('bayes-prior').selectOption('hc:1');
  await expect(page).toHaveURL(/prior=hc:1/);
  await expect.poll(() => value(page.getByTestId('bayes-mu'))).toBeCloseTo(expected[3].mu.median, 9);
  // A trial switched off: the posterior is refitted on the trials left.
  await page.getByTestId('trial-toggle-chronos').uncheck();
  const without = sensitivity('skin_infections', 'REVMAN', ['chronos']).bayes;
  await expect.poll(() => value(page.getByTestId('bayes-mu'))).toBeCloseTo(without[3].mu.median, 9);
  // Turner's priors are for log odds ratios: with the risk difference the table leaves them out.
  await page.getByTestId('measure-select').selectOption('RD');
  await expect(page.getByTestId('bayes-table').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('bayes-view')).toContainText('so they are not offered for this measure');
});

test('Bayesian view: the posterior probabilities beyond a threshold of clinical importance, as the engine (held to an R quadrature) gives them', async ({ page }) => {
  for (const [threshold, side] of [['0.8', 'below'], ['1.25', 'above']]) {
    await openApp(page, `?outcome=serious_adverse_events&view=bayes&mcid=effect:${threshold}`);
    const [below] = sensitivity('serious_adverse_events', 'REVMAN').bayes_below;
    const [mean, newTrial] = below[threshold];
    const expected = side === 'below' ? [mean, newTrial] : [1 - mean, 1 - newTrial];
    await expect(page.getByTestId('bayes-threshold')).toHaveAttribute('data-value', /.+/);
    const [at, shownMean, shownNew] = (await page.getByTestId('bayes-threshold').getAttribute('data-value')).split(',').map(Number);
    expect(at).toBe(Number(threshold));
    expect(shownMean).toBeCloseTo(expected[0], 9);
    expect(shownNew).toBeCloseTo(expected[1], 9);
    await expect(page.getByTestId('bayes-threshold')).toContainText(`is ${side} your threshold of ${Number(threshold).toFixed(2)}`);
  }
});

test('the selection model on the BCG trials: the adjusted estimate, the publication probability and the direction as the engine gives them', async ({ page }) => {
  await openApp(page, '?set=bcg-colditz1994&model=REML&view=smallstudy');
  const bcg = JSON.parse(readFileSync(join(root, 'assets/bcg.json'), 'utf8'));
  const csv = execFileSync(join(root, 'target/native/livemeta'), ['export', join(root, 'assets/bcg.json'), '--outcome', bcg.outcomes[0].id], { encoding: 'utf8' });
  const fit = expectedFromCsv(csv, { measure: 'RR', method: 'REML', extra: ['--sensitivity'] }).selection_model;
  expect(await value(page.getByTestId('selection-model-result'))).toBeCloseTo(Math.exp(fit.mu.estimate), 9);
  await expect(page.getByTestId('selection-model-result')).toContainText(`towards RR < 1 (${fit.trials_per_interval[1]} of 13)`);
  await expect(page.getByTestId('selection-model-result')).toContainText(`${fit.delta[1].toFixed(2)} times the probability`);
});

test('profile-likelihood intervals: for tau² under REML and ML, and for the pooled effect under ML, as the engine gives them', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&model=REML');
  const reml = sensitivity('serious_adverse_events', 'REML').profile_likelihood;
  const f = (x) => x.toFixed(4);
  await expect(page.getByTestId('result-tau2-pl')).toContainText(`τ² 95% CI by profile likelihood: ${f(reml.tau2_reml.lower)} to ${f(reml.tau2_reml.upper)}`);
  await expect(page.getByTestId('result-estimate-pl')).toHaveCount(0);
  await page.getByTestId('model-select').selectOption('ML');
  const ml = sensitivity('serious_adverse_events', 'ML').profile_likelihood;
  await expect(page.getByTestId('result-tau2-pl')).toContainText(`${f(ml.tau2_ml.lower)} to ${f(ml.tau2_ml.upper)}`);
  await expect(page.getByTestId('result-estimate-pl')).toContainText(`RR 95% CI by profile likelihood: ${Math.exp(ml.mu_ml.lower).toFixed(2)} to ${Math.exp(ml.mu_ml.upper).toFixed(2)}`);
  await page.getByTestId('model-select').selectOption('DL');
  await expect(page.getByTestId('result-tau2-pl')).toHaveCount(0);
});

test('rare events: the odds ratio without continuity corrections (rma.glmm CM.EL, CM.AL, UM.FS and UM.RS, and with random effects) beside Mantel-Haenszel and Peto, as the engine gives them', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=rare');
  const engine = sensitivity('serious_adverse_events', 'REVMAN');
  const common = Object.fromEntries(engine.likelihood_models.map((f) => [f.model, f]));
  await expect.poll(() => value(page.getByTestId('rare-cm-el'))).toBeCloseTo(Math.exp(common.Conditional.log_or.estimate), 9);
  expect(await value(page.getByTestId('rare-cm-al'))).toBeCloseTo(Math.exp(common.ConditionalApproximate.log_or.estimate), 9);
  expect(await value(page.getByTestId('rare-um-fs'))).toBeCloseTo(Math.exp(common.UnconditionalFixedStudy.log_or.estimate), 9);
  for (const row of ['rare-um-rs', 'rare-cm-el-re', 'rare-cm-al-re', 'rare-um-rs-re']) await expect(page.getByTestId(row)).toContainText('not fitted');
  await page.getByTestId('rare-random-toggle').check();
  // The mixed models' numerical search stops within 1e-10, where wasm's and the native build's
  // exp and log may round differently: 7 digits.
  await expect.poll(() => value(page.getByTestId('rare-um-rs'))).toBeCloseTo(Math.exp(engine.random_study_intercepts.log_or.estimate), 7);
  for (const [row, fit] of [['rare-cm-el-re', engine.conditional_random_effects], ['rare-cm-al-re', engine.approximate_conditional_random_effects], ['rare-um-rs-re', engine.random_study_effects]]) {
    await expect.poll(() => value(page.getByTestId(row))).toBeCloseTo(Math.exp(fit.log_or.estimate), 7);
    await expect(page.getByTestId(row)).toContainText(`τ² = ${fit.tau2.toFixed(4)}`);
  }
  // The view's R code runs rma.glmm on the same trials: within 1e-3 (glmer and rma.glmm's CM.EL
  // stop that close to their maxima; the cross-check holds the engine to 1e-6 of exact solutions).
  const rows = ['rare-cm-el', 'rare-cm-al', 'rare-um-fs', 'rare-um-rs', 'rare-cm-el-re', 'rare-cm-al-re', 'rare-um-rs-re'];
  const r = runRView(await page.getByTestId('r-code-rare').inputValue());
  expect(r).toHaveLength(rows.length);
  // Here the maximum is at tau² = 0, where rma.glmm's CM.EL by ML stops with "Optimizer (nlminb)
  // did not achieve convergence" (NA); the page gives the common-effect fit, which is that maximum.
  expect(Number.isNaN(r[4])).toBe(true);
  for (const [i, row] of rows.entries()) if (i !== 4) expect(Math.abs(r[i] / (await value(page.getByTestId(row))) - 1)).toBeLessThan(1e-3);
  // The box is the view's own choice and outlives a trial switched off and on again.
  const fitted = await value(page.getByTestId('rare-um-rs-re'));
  await page.getByTestId('trial-toggle-chronos').click();
  await expect(page.getByTestId('rare-random-toggle')).toBeChecked();
  await expect.poll(() => value(page.getByTestId('rare-um-rs-re'))).not.toBeCloseTo(fitted, 6);
  await page.getByTestId('trial-toggle-chronos').click();
  await expect.poll(() => value(page.getByTestId('rare-um-rs-re'))).toBeCloseTo(fitted, 12);
  const csv = execFileSync(join(root, 'target/native/livemeta'), ['export', join(root, 'assets/dupilumab.json'), '--outcome', 'serious_adverse_events'], { encoding: 'utf8' });
  expect(await value(page.getByTestId('rare-mh'))).toBeCloseTo(expectedFromCsv(csv, { measure: 'OR', method: 'MH' }).pooled.estimate, 9);
  expect(await value(page.getByTestId('rare-peto'))).toBeCloseTo(expectedFromCsv(csv, { measure: 'PETO', method: 'PETO' }).pooled.estimate, 9);
  await expect(page.getByTestId('rare-view')).toContainText('0.5 added to tables with a zero cell');
  // Eczema herpeticum: the one trial with a count has its only case in one arm, so no model
  // without a correction has a finite odds ratio, and the page says so.
  await openApp(page, '?outcome=eczema_herpeticum&view=rare');
  await expect(page.getByTestId('rare-cm-el')).toContainText('not estimable: the odds ratio has no finite estimate');
});

test("BLUPs and residuals: the radial and Q-Q plots, and each trial's BLUP as the engine gives it", async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&model=REML&view=blup');
  const expected = sensitivity('serious_adverse_events', 'REML').diagnostics;
  await expect(page.getByTestId('radial-plot')).toBeVisible();
  await expect(page.getByTestId('qq-plot')).toBeVisible();
  await expect(page.locator('[data-testid^=blup-row-]')).toHaveCount(expected.length);
  for (const [i, d] of expected.entries()) {
    expect(await value(page.getByTestId(`blup-row-${i}`))).toBeCloseTo(d.blup, 9);
  }
  // Mantel-Haenszel and Peto are not inverse-variance models: the view says so.
  await page.getByTestId('model-select').selectOption('MH');
  await expect(page.getByTestId('iv-needed')).toContainText('inverse-variance weights');
  await expect(page.getByTestId('radial-plot')).toHaveCount(0);
});

test('risk of bias: RoB 2 judgments entered in a copy of the data, drawn as a traffic-light plot, carried by the link and grouping trials', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events&view=rob');
  await expect(page.getByTestId('rob-summary')).toContainText('0 low, 0 some concerns, 0 high');
  // The bundled data states no judgments and is never changed: they go into a copy.
  await expect(page.getByTestId('rob-0-D1')).toBeDisabled();
  await page.getByTestId('rob-copy').click();
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  for (const [i, judgment] of ['high', 'low', 'high', 'low', 'high', 'low', 'high', 'low'].entries()) {
    await page.getByTestId(`rob-${i}-Overall`).selectOption(judgment);
  }
  await page.getByTestId('rob-1-D1').selectOption('some concerns');
  await expect(page.getByTestId('rob-summary')).toContainText('4 low, 0 some concerns, 4 high, 0 not assessed');
  await expect(page.getByTestId('rob-row-0')).toHaveAttribute('data-value', 'high');
  await expect(page.getByTestId('rob-1-D1')).toHaveValue('some concerns');
  await expect(page.getByTestId('rob-plot')).toBeVisible();
  // Opened from the link in a browser that never saw them, the judgments are back.
  await expect(page).toHaveURL(/pack=/);
  const link = page.url();
  await page.evaluate(() => localStorage.clear());
  await page.goto(link);
  await expect(page.getByTestId('rob-row-0')).toHaveAttribute('data-value', 'high');
  await expect(page.getByTestId('rob-row-1')).toHaveAttribute('data-value', 'low');
  // The overall judgment groups trials like any column (a blank is its own group).
  await page.getByTestId('view-subgroups').click();
  await page.getByTestId('subgroup-column').selectOption('RoB 2 overall');
  await expect(page.getByTestId('subgroup-test')).toContainText('Test for subgroup differences');
  const groups = await page.locator('[data-testid^=subgroup-row-]').allTextContents();
  expect(groups.map((g) => g.split(' (')[0]).sort()).toEqual(['high', 'low']);
});
