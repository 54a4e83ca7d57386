// Undo and redo as a property: random sequences of control changes (the analysis's controls and
// each view's own options) are undone back to the start and redone to the end; after every step
// the link, the numbers and every control agree with what was on screen when that step was made.
import { test, expect } from '@playwright/test';
import { openApp } from './helpers.mjs';

/** The main controls, always on screen: what each shows is compared with the recorded step. */
const MAIN = [
  { testid: 'measure-select', values: ['RR', 'OR', 'RD'] },
  { testid: 'model-select', values: ['DL', 'REML', 'IV', 'MH', 'PM'] },
  { testid: 'prediction-select', values: ['off', 'z', 't2', 't1'] },
  { testid: 'knha-toggle', checkbox: true },
  { testid: 'compare-toggle', checkbox: true },
  { testid: 'trial-toggle-bcg1', checkbox: true },
  { testid: 'trial-toggle-bcg7', checkbox: true },
  { testid: 'trial-toggle-bcg12', checkbox: true },
];

/** Each view's own options, read against the link (parameter and its default). */
const IN_VIEWS = [
  { view: 'bayes', testid: 'bayes-prior', values: ['hn:0.5', 'hn:1', 'hc:0.5', 'hc:1'], param: 'prior', fallback: 'hn:0.5' },
  { view: 'cumulative', testid: 'cumulative-order', values: ['year', 'size', 'precision', 'listed'], param: 'order', fallback: 'year' },
  { view: 'metareg', testid: 'metareg-moderator', values: ['year', 'allocation', 'absolute latitude'], param: 'mod', fallback: 'year' },
  { view: 'subgroups', testid: 'subgroup-column', values: ['allocation', 'absolute latitude'], param: 'col', fallback: 'allocation' },
  { view: 'multiverse', testid: 'multiverse-family', values: ['ratio', 'rd'], param: 'family', fallback: 'ratio' },
];

/** A small deterministic generator, so that a failing sequence can be replayed from its seed. */
function generator(seed) {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

/** The link without the display choices (the open view), which are not steps. */
async function linkOf(page) {
  const url = new URL(page.url());
  url.searchParams.delete('view');
  return url.search;
}

async function valueOf(page, control) {
  const element = page.getByTestId(control.testid);
  return control.checkbox ? String(await element.isChecked()) : element.inputValue();
}

async function mainValues(page) {
  const values = {};
  for (const control of MAIN) values[control.testid] = await valueOf(page, control);
  return values;
}

async function openView(page, view) {
  const tab = page.getByTestId(`view-${view}`);
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

/** Changes one control to another of its values; returns false when it cannot be changed now. */
async function change(page, control, pick) {
  if (control.view) await openView(page, control.view);
  const element = page.getByTestId(control.testid);
  if (!(await element.isVisible()) || (await element.isDisabled())) return false;
  if (control.checkbox) {
    await element.click();
    return true;
  }
  const now = await element.inputValue();
  const others = control.values.filter((v) => v !== now);
  await element.selectOption(others[pick(others.length)]);
  return true;
}

/** Waits until the change is painted and the link written (the app writes it after the frame). */
async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(() => requestAnimationFrame(() => setTimeout(done, 0)), 0))));
}

/** What the screen shows now, to be found again when undo or redo comes back to this step. */
async function snapshot(page) {
  await settle(page);
  return { link: await linkOf(page), pooled: await page.getByTestId('pooled-estimate').getAttribute('data-value'), main: await mainValues(page) };
}

/** The link, the pooled number and every main control equal the step; one view's option
 * (a different view each time, opened for it) equals what the link says. */
async function expectStep(page, step, viewIndex) {
  await expect.poll(() => linkOf(page)).toBe(step.link);
  await expect(page.getByTestId('pooled-estimate')).toHaveAttribute('data-value', step.pooled);
  expect(await mainValues(page)).toEqual(step.main);
  const control = IN_VIEWS[viewIndex % IN_VIEWS.length];
  await openView(page, control.view);
  // Under a model that is not inverse-variance, meta-regression says so instead.
  const shown = page.getByTestId(control.testid);
  await expect(shown.or(page.getByTestId('iv-needed'))).toBeVisible();
  if (!(await shown.isVisible())) return;
  const expected = new URL(page.url()).searchParams.get(control.param) ?? control.fallback;
  await expect(shown).toHaveValue(decodeURIComponent(expected));
}

for (const seed of [1, 7, 2026]) {
  test(`undo to the start and redo to the end of random changes (seed ${seed}): every step is one step, every control agrees`, async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page, '?set=bcg-colditz1994&model=DL');
    await expect(page.getByTestId('undo')).toBeDisabled();
    const pick = generator(seed);
    const controls = [...MAIN, ...IN_VIEWS];
    const steps = [await snapshot(page)];
    while (steps.length < 11) {
      const control = controls[pick(controls.length)];
      if (!(await change(page, control, pick))) continue;
      const step = await snapshot(page);
      // A change that moved nothing in the link is no step (a view opened, say).
      if (step.link === steps.at(-1).link) continue;
      steps.push(step);
    }
    for (let i = steps.length - 2; i >= 0; i--) {
      await page.getByTestId('undo').click();
      await expectStep(page, steps[i], i);
    }
    await expect(page.getByTestId('undo')).toBeDisabled();
    for (let i = 1; i < steps.length; i++) {
      await page.getByTestId('redo').click();
      await expectStep(page, steps[i], i + 1);
    }
    await expect(page.getByTestId('redo')).toBeDisabled();
  });
}

test('the issue\'s case: OR, then a prior in the Bayesian view, are two steps, and redo shows the prior used', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('measure-select').selectOption('OR');
  await openView(page, 'bayes');
  await page.getByTestId('bayes-prior').selectOption('hc:1');
  await expect(page).toHaveURL(/prior=hc:1/);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('bayes-prior')).toHaveValue('hn:0.5');
  await expect(page.getByTestId('measure-select')).toHaveValue('OR');
  await expect(page.getByTestId('undo')).toBeEnabled();
  await page.getByTestId('redo').click();
  await expect(page).toHaveURL(/prior=hc:1/);
  await expect(page.getByTestId('bayes-prior')).toHaveValue('hc:1');
  await expect(page.getByTestId('bayes-view')).toContainText('half-Cauchy');
});
