import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';

const root = new URL('../../../', import.meta.url).pathname;
const cli = join(root, 'target/native/livemeta');

/** The native engine's answer for the same data, as the oracle for what the page shows. */
export function expectedAnalysis({ dataset = 'dupilumab.json', outcome, dose = 'all', exclude = [], definition, measure, method, extra = [] }) {
  const csv = execFileSync(cli, ['export', join(root, 'assets', dataset), '--outcome', outcome, '--dose', dose,
    ...(exclude.length ? ['--exclude', exclude.join(',')] : []), ...(definition ? ['--definition', definition] : [])], { encoding: 'utf8' });
  return expectedFromCsv(csv, { measure, method, extra });
}

/** The native engine on CSV text the test wrote itself. */
export function expectedFromCsv(csv, { measure, method, extra = [] }) {
  const file = join(mkdtempSync(join(tmpdir(), 'livemeta-')), 'data.csv');
  writeFileSync(file, csv);
  return JSON.parse(execFileSync(cli, ['analyze', file, '--measure', measure, '--method', method, ...extra, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}

/** Runs an R script and returns the numbers of each "livemeta <tag> ..." line it prints, by tag. */
export function runRLines(code) {
  const file = join(mkdtempSync(join(tmpdir(), 'livemeta-r-')), 'analysis.R');
  writeFileSync(file, code);
  const out = execFileSync('Rscript', [file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((l) => l.startsWith('livemeta ')).map((l) => {
    const [, tag, ...numbers] = l.trim().split(' ');
    return [tag, numbers.map(Number)];
  }));
}

/** Runs an R script and returns the "livemeta pooled est lower upper" line it prints. */
export function runR(code) {
  const [estimate, lower, upper] = runRLines(code).pooled;
  return { estimate, lower, upper };
}

export async function expectPooled(page, expected) {
  await expect(page.getByTestId('pooled-estimate')).toHaveAttribute('data-value', /.+/);
  await expect.poll(async () => Number(await page.getByTestId('pooled-estimate').getAttribute('data-value')))
    .toBeCloseTo(expected.pooled.estimate, 9);
  expect(await shownValue(page, 'pooled-ci-lower')).toBeCloseTo(expected.pooled.ci_lower, 9);
  expect(await shownValue(page, 'pooled-ci-upper')).toBeCloseTo(expected.pooled.ci_upper, 9);
}

/**
 * Opens the app and waits until the wasm has rendered a result. The specs work with all methods
 * on screen (link `methods=1`) unless they ask for the clinician's view.
 */
export async function openApp(page, query = '', { clinician = false } = {}) {
  if (!clinician && !query.includes('methods=')) query = `${query}${query ? '&' : '?'}methods=1`;
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('request', (req) => {
    if (!req.url().startsWith('http://127.0.0.1:8181/') && !req.url().startsWith('data:')) problems.push(`off-site request ${req.url()}`);
  });
  await page.goto(`/index.html${query}`);
  await expect(page.getByTestId('app-ready')).toBeVisible();
  await expect(page.getByTestId('pooled-estimate')).toBeVisible();
  return problems;
}

export async function shownValue(page, testid) {
  return Number(await page.getByTestId(testid).getAttribute('data-value'));
}

/** Runs a view's R code and returns the numbers of the "livemeta view" line it prints. */
export function runRView(code) {
  const file = join(mkdtempSync(join(tmpdir(), 'livemeta-r-')), 'view.R');
  writeFileSync(file, code);
  const out = execFileSync('Rscript', [file], { encoding: 'utf8' });
  return out.split('\n').find((l) => l.startsWith('livemeta view')).split(' ').slice(2).filter((x) => x !== '').map(Number);
}
