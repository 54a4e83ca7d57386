// Data as one model: bundled teaching sets, RevMan reviews, dataset JSON round trips, long
// CSV with several outcomes, and undo/redo over every change.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expectedAnalysis, expectedFromCsv, expectPooled, openApp, shownValue } from './helpers.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const review = join(root, 'crates/livemeta-core/tests/data/example.rm5');
const header = 'study,events_treatment,total_treatment,events_control,total_control\n';

/** Clicks a button that downloads a file and returns the file's text and name. */
async function downloaded(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8'), path: await download.path() };
}

test('the BCG teaching set: sourced trials, its own method, subgroups by its columns, named in the link', async ({ page, browser }) => {
  const problems = await openApp(page);
  await page.getByTestId('dataset-select').selectOption('bcg-colditz1994');
  await expect(page.getByTestId('trial-toggle-bcg13')).toBeVisible();
  await expect(page).toHaveURL(/set=bcg-colditz1994/);
  await expect(page.getByTestId('model-select')).toHaveValue('REML');
  await expectPooled(page, expectedAnalysis({ dataset: 'bcg.json', outcome: 'tb', measure: 'RR', method: 'REML' }));
  // Every count shows the verbatim line it was read from.
  await page.getByTestId('count-bcg1-treatment').focus();
  await expect(page.getByTestId('count-bcg1-treatment')).toContainText('"Aronson"              1948    4   119   11   128');
  await page.getByTestId('view-subgroups').click();
  await page.getByTestId('subgroup-column').selectOption('allocation');
  await expect(page.getByTestId('subgroup-row-0')).toContainText('random');
  const elsewhere = await (await browser.newContext()).newPage();
  await openApp(elsewhere, new URL(page.url()).search);
  await expect(elsewhere.getByTestId('dataset-select')).toHaveValue('bcg-colditz1994');
  expect(await shownValue(elsewhere, 'pooled-estimate')).toBe(await shownValue(page, 'pooled-estimate'));
  await page.getByTestId('dataset-select').selectOption('dupilumab-fleming2018');
  await expect(page.getByTestId('trial-toggle-chronos')).toBeVisible();
  await expect(page).not.toHaveURL(/set=/);
  expect(problems).toEqual([]);
});

test('a RevMan 5 review opens with its dichotomous outcomes, methods and subgroups, survives a reload and travels in the link', async ({ page, browser }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-file').setInputFiles(review);
  await expect(page.getByTestId('outcome-select').locator('option')).toHaveCount(3);
  await expect(page.getByTestId('import-warnings')).toContainText('Left out (not 2x2 data): 1.3 Drug A versus placebo: Pain score');
  await expect(page.getByTestId('import-warnings')).toContainText('Left out (no studies entered): 1.4');
  // Outcome 1.1 as the review analysed it: RR, Mantel-Haenszel, common effect.
  await expect(page.getByTestId('model-select')).toHaveValue('MH');
  await expect(page.getByTestId('study-table')).toContainText('Sørensen 2010');
  await expectPooled(page, expectedFromCsv(`${header}Alpha 2001,3,50,7,50\nBeta-Gamma 2005,10,120,15,118\nSørensen 2010,0,40,0,41\n`, { measure: 'RR', method: 'MH' }));
  await expect(page.getByTestId('published-reference')).toContainText("The review file's own result");
  // Outcome 1.2: odds ratios, random effects, two subgroups; a study in two rows stays two rows.
  await page.getByTestId('outcome-select').selectOption('CMP-001.02');
  await expect(page.getByTestId('model-select')).toHaveValue('REVMAN');
  await expect(page.getByTestId('measure-select')).toHaveValue('OR');
  await expect(page.getByTestId('study-table')).toContainText('Delta 2012 (row 3)');
  await page.getByTestId('view-subgroups').click();
  // RevMan's own subgroup result for the low dose is OR 1.14 (0.50 to 2.60).
  await expect(page.getByTestId('subgroup-row-0')).toContainText('Low dose (3 trials): OR 1.14 (0.50 to 2.60)');
  await expect(page.getByTestId('subgroup-row-1')).toContainText('High dose (1 trial)');
  await page.reload();
  await expect(page.getByTestId('outcome-select').locator('option')).toHaveCount(3);
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  // The review travels in the link, compressed, with the analysis: another browser opens both.
  await expect(page).toHaveURL(/pack=j\./);
  const elsewhere = await (await browser.newContext()).newPage();
  await openApp(elsewhere, new URL(page.url()).search);
  await expect(elsewhere.getByTestId('outcome-select')).toHaveValue('CMP-001.02');
  expect(await shownValue(elsewhere, 'pooled-estimate')).toBe(await shownValue(page, 'pooled-estimate'));
});

test('a file that is not a review, or a broken one, is refused with the reason and the data on screen stays', async ({ page }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-file').setInputFiles({ name: 'broken.rm5', mimeType: 'application/xml', buffer: Buffer.from('<COCHRANE_REVIEW><ANALYSES_AND_DATA>') });
  await expect(page.getByTestId('import-errors')).toContainText('broken.rm5: not a readable RevMan 5 file (XML error');
  await page.getByTestId('import-file').setInputFiles({ name: 'photo.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"something else"}') });
  await expect(page.getByTestId('import-errors')).toContainText('photo.json: dataset is not valid');
  // A binary file under a CSV name.
  await page.getByTestId('import-file').setInputFiles({ name: 'photo.csv', mimeType: 'text/csv', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) });
  await expect(page.getByTestId('import-errors')).toContainText('photo.csv is not a text file; open a CSV, a RevMan 5 review (.rm5) or a livemeta dataset (.json).');
  await page.getByTestId('import-file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await expect(page.getByTestId('import-errors')).toContainText('the file is empty');
  await expect(page.getByTestId('trial-toggle-chronos')).toBeVisible();
});

test('export as dataset JSON, open it again, and get the identical dataset', async ({ page }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-file').setInputFiles(review);
  await expect(page.getByTestId('outcome-select').locator('option')).toHaveCount(3);
  const first = await downloaded(page, 'export-dataset-json');
  expect(JSON.parse(first.text).format).toBe('livemeta-dataset');
  await page.getByTestId('dataset-select').selectOption('dupilumab-fleming2018');
  await page.getByTestId('import-file').setInputFiles(first.path);
  await expect(page.getByTestId('outcome-select').locator('option')).toHaveCount(3);
  const again = await downloaded(page, 'export-dataset-json');
  expect(again.text).toBe(first.text);
  // The bundled set too: every source snippet and number survives.
  await page.getByTestId('dataset-select').selectOption('dupilumab-fleming2018');
  const bundled = await downloaded(page, 'export-dataset-json');
  expect(JSON.parse(bundled.text)).toEqual(JSON.parse(readFileSync(join(root, 'assets/dupilumab.json'), 'utf8')));
  // And the CSV of the user's data reads back to the same tables.
  await page.getByTestId('import-file').setInputFiles(first.path);
  // The same dataset opened again is the set already kept, not a second one.
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  await expect(page.getByTestId('dataset-select').locator('option')).toHaveCount(3);
  const csv = await downloaded(page, 'export-dataset-csv');
  expect(csv.text.split('\n')[0]).toBe('study,outcome,events_treatment,total_treatment,events_control,total_control,subgroup');
  expect(csv.text).toContain('Delta 2012 (row 2),CMP-001.02,6,30,3,15,Low dose');
});

test('several outcomes in one CSV (long format) become an outcome choice', async ({ page }) => {
  const csv = 'study,outcome,events_treatment,total_treatment,events_control,total_control\nA,death,1,40,4,41\nB,death,2,60,6,58\nA,stroke,3,40,3,41\nB,stroke,5,60,4,58\nC,stroke,1,30,2,30\n';
  await openApp(page, '?model=DL');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('outcome-select').locator('option')).toHaveText(['death', 'stroke']);
  await expectPooled(page, expectedFromCsv(`${header}A,1,40,4,41\nB,2,60,6,58\n`, { measure: 'RR', method: 'DL' }));
  await page.getByTestId('outcome-select').selectOption('stroke');
  await expect(page.getByTestId('trial-toggle-row3')).toBeVisible();
  await expectPooled(page, expectedFromCsv(`${header}A,3,40,3,41\nB,5,60,4,58\nC,1,30,2,30\n`, { measure: 'RR', method: 'REVMAN' }));
});

test('undo and redo step through every change to the analysis and the data', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('undo')).toBeDisabled();
  const start = await shownValue(page, 'pooled-estimate');
  await page.getByTestId('trial-toggle-chronos').click();
  const withoutChronos = await shownValue(page, 'pooled-estimate');
  expect(withoutChronos).not.toBe(start);
  await page.getByTestId('model-select').selectOption('REML');
  await page.getByTestId('dataset-select').selectOption('bcg-colditz1994');
  await expect(page.getByTestId('trial-toggle-bcg1')).toBeVisible();
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
  await expect(page.getByTestId('model-select')).toHaveValue('REML');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('model-select')).toHaveValue('REVMAN');
  await expect.poll(() => shownValue(page, 'pooled-estimate')).toBe(withoutChronos);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('trial-toggle-chronos')).toBeChecked();
  await expect.poll(() => shownValue(page, 'pooled-estimate')).toBe(start);
  await expect(page.getByTestId('undo')).toBeDisabled();
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
  await page.getByTestId('redo').click();
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('trial-toggle-bcg1')).toBeVisible();
  await expect(page.getByTestId('redo')).toBeDisabled();
  // A new change after an undo drops what could have been redone.
  await page.getByTestId('undo').click();
  await page.getByTestId('trial-toggle-solo1').click();
  await expect(page.getByTestId('redo')).toBeDisabled();
});

/** Pastes text into the focused-or-given editor cell as a spreadsheet would. */
async function pasteInto(page, testid, text) {
  await page.getByTestId(testid).evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

test('edit like a spreadsheet: type, move with the keyboard, paste a block, add, reorder, remove, undo', async ({ page }) => {
  const csv = `${header}A,3,40,6,41\nB,5,60,11,58\n`;
  await openApp(page, '?model=DL');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await page.getByTestId('editor').locator('summary').click();
  await expect(page.getByTestId('edit-1-0')).toHaveValue('B');
  // A bad cell is kept as typed and named by row and field; nothing changes until it is fixed.
  await page.getByTestId('edit-0-1').fill('x');
  await page.getByTestId('edit-0-1').press('Enter');
  await expect(page.getByTestId('editor-problems')).toContainText('row 1 (A), Treatment events: "x" is not a whole number');
  await expect(page.getByTestId('edit-1-1')).toBeFocused();
  await expect(page.getByTestId('edit-0-1')).toHaveValue('x');
  await page.getByTestId('edit-0-1').fill('4');
  await page.getByTestId('edit-0-1').press('ArrowDown');
  await expect(page.getByTestId('editor-problems')).toBeEmpty();
  await expectPooled(page, expectedFromCsv(`${header}A,4,40,6,41\nB,5,60,11,58\n`, { measure: 'RR', method: 'DL' }));
  // A block from a spreadsheet: two rows from the second row's name on; the third row is new.
  await pasteInto(page, 'edit-1-0', 'B2\t6\t60\t10\t58\nC\t2\t30\t5\t29\n');
  await expect(page.getByTestId('edit-2-0')).toHaveValue('C');
  const three = `${header}A,4,40,6,41\nB2,6,60,10,58\nC,2,30,5,29\n`;
  await expectPooled(page, expectedFromCsv(three, { measure: 'RR', method: 'DL' }));
  await expect(page.getByTestId('study-table')).toContainText('B2');
  // Reorder and remove; then undo brings the row back.
  await page.getByRole('button', { name: 'Move row 3 up' }).click();
  await expect(page.getByTestId('edit-1-0')).toHaveValue('C');
  await page.getByTestId('editor-add').click();
  await expect(page.getByTestId('edit-3-0')).toBeFocused();
  await page.getByTestId('edit-3-0').fill('D');
  await page.getByTestId('edit-3-0').press('Tab');
  await expect(page.getByTestId('study-table')).toContainText('D');
  await page.getByTestId('edit-remove-row1').click();
  await expect(page.getByTestId('edit-0-0')).toHaveValue('C');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('edit-0-0')).toHaveValue('A');
  // A year orders the cumulative view; a new column groups the subgroup view.
  await page.getByTestId('edit-0-5').fill('2011');
  await page.getByTestId('edit-0-5').press('Enter');
  await page.getByTestId('editor-column-name').fill('risk of bias');
  await page.getByTestId('editor-add-column').click();
  await page.getByTestId('edit-0-6').fill('high');
  await page.getByTestId('edit-0-6').press('Enter');
  await page.getByTestId('view-subgroups').click();
  await expect(page.getByTestId('subgroup-column')).toHaveValue('risk of bias');
  await expect(page.getByTestId('subgroup-row-0')).toContainText('high (1 trial)');
  await page.getByTestId('view-cumulative').click();
  await expect(page.getByTestId('cumulative-row-row1')).toContainText('(2011)');
  await page.reload();
  await page.getByTestId('editor').locator('summary').click();
  await expect(page.getByTestId('edit-3-0')).toHaveValue('D');
});

test('a bundled set is edited as your copy, marked yours; reset brings the sourced original back', async ({ page }) => {
  await openApp(page, '?outcome=serious_adverse_events');
  const sourced = await shownValue(page, 'pooled-estimate');
  await page.getByTestId('editor').locator('summary').click();
  await page.getByTestId('editor-copy').click();
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  await expect(page.getByTestId('outcome-select')).toHaveValue('serious_adverse_events');
  expect(await shownValue(page, 'pooled-estimate')).toBe(sourced);
  await expect(page.getByTestId('study-row-solo1')).toContainText('your data');
  // Fill a not-reported trial from the paper: it is pooled at once.
  const row = await page.getByTestId('editor-grid').locator('tbody tr').evaluateAll((rows) => rows.findIndex((r) => r.dataset.testid === 'edit-row-beck_m12'));
  await pasteInto(page, `edit-${row}-1`, '1\t55\t2\t54');
  await expect(page.getByTestId('study-row-beck_m12')).toContainText('pooled');
  await expect.poll(() => shownValue(page, 'pooled-estimate')).not.toBe(sourced);
  await page.getByTestId('editor-reset').click();
  await expect(page.getByTestId('dataset-select')).toHaveValue('dupilumab-fleming2018');
  await expect.poll(() => shownValue(page, 'pooled-estimate')).toBe(sourced);
  await page.getByTestId('count-solo1-treatment').focus();
  await expect(page.getByTestId('count-solo1-treatment')).toContainText('Verbatim from the source');
});

test('thousands of studies are paged on screen, pooled in full, and exported in full', async ({ page }) => {
  const csv = execFileSync(join(root, 'target/native/livemeta'), ['synthetic', '120', '9'], { encoding: 'utf8' });
  await openApp(page, '?model=DL');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(csv);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('pager-plot')).toContainText('Studies 1-25 of 120');
  await expect(page.getByTestId('study-table').locator('tbody tr')).toHaveCount(25);
  await expectPooled(page, expectedFromCsv(csv, { measure: 'RR', method: 'DL' }));
  for (let page_turns = 0; page_turns < 4; page_turns++) await page.getByTestId('pager-table-next').click();
  await expect(page.getByTestId('pager-plot')).toContainText('Studies 101-120 of 120');
  await expect(page.getByTestId('study-table').locator('tbody tr')).toHaveCount(20);
  await expect(page.getByTestId('pager-table-next')).toBeDisabled();
  // A study on a later page switches off like any other; the pool changes.
  await page.getByTestId('trial-toggle-row120').click();
  const kept = csv.split('\n').filter((line) => line && !line.startsWith('S120,')).join('\n') + '\n';
  await expectPooled(page, expectedFromCsv(kept, { measure: 'RR', method: 'DL' }));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const table = readFileSync(await download.path(), 'utf8');
  expect(table.match(/,study,S\d+,/g)).toHaveLength(120);
});

test('a 50 MB file is read off the page: the page answers meanwhile, then gives the reason', async ({ page }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  const header = 'study,events_treatment,total_treatment,events_control,total_control\n';
  // A 50 MB file (written to disk: Playwright hands larger buffers over as files).
  const file = join(mkdtempSync(join(tmpdir(), 'livemeta-big-')), 'huge.csv');
  writeFileSync(file, header + 'S,1,10,2,10\n'.repeat(4_200_000));
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('import-reading')).toHaveText('Reading huge.csv (50.4 MB)… Cancel');
  // The click is handled while the worker still reads: the page's thread is free.
  await page.getByTestId('trial-toggle-chronos').click();
  expect(await page.evaluate(() => [document.querySelector('[data-testid=trial-toggle-chronos]').checked, !!document.querySelector('[data-testid=import-reading]')])).toEqual([false, true]);
  await expect(page.getByTestId('import-errors')).toHaveText('huge.csv holds 4,200,001 lines; livemeta analyses up to 50,000 studies at a time, so that every change redraws at once. Keep only the rows of one analysis, or split the file by outcome.', { timeout: 30_000 });
  await expect(page.getByTestId('import-reading')).toHaveCount(0);
  await expect(page.getByTestId('trial-toggle-chronos')).not.toBeChecked();
  // Cancel stops a read: the data on screen stays.
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-cancel').click();
  await expect(page.getByTestId('import-reading')).toHaveCount(0);
  await expect(page.getByTestId('dataset-select')).toHaveValue('dupilumab-fleming2018');
});

test('a review file of several megabytes (the text of the review with its data) opens', async ({ page }) => {
  await openApp(page);
  await page.getByText('Use your own data').click();
  const text = readFileSync(review, 'latin1').replace('<MAIN_TEXT>', `<MAIN_TEXT><P>${'Background text of the review. '.repeat(200_000)}</P>`);
  await page.getByTestId('import-file').setInputFiles({ name: 'long.rm5', mimeType: 'application/xml', buffer: Buffer.from(text, 'latin1') });
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  await expect(page.getByTestId('outcome-select').locator('option')).toHaveCount(3);
  await expect(page.getByTestId('import-errors')).toBeEmpty();
});

test('your sets are kept side by side: switch between them, reload, and find them all', async ({ page }) => {
  await openApp(page, '?model=DL');
  await page.getByText('Use your own data').click();
  await page.getByTestId('import-text').fill(`${header}A,3,40,6,41\nB,5,60,11,58\n`);
  await page.getByTestId('import-apply').click();
  await page.getByTestId('import-file').setInputFiles(review);
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-2');
  await expect(page.getByTestId('dataset-select').locator('option')).toHaveText([/Dupilumab/, /BCG/, 'Your data 1: Your data', /Your data 2: Drug A versus placebo/]);
  await page.getByTestId('dataset-select').selectOption('yours-1');
  await expect(page.getByTestId('study-row-row2')).toContainText('B');
  // An edit stays in its own set.
  await page.getByTestId('editor').locator('summary').click();
  await page.getByTestId('edit-1-0').fill('B edited');
  await page.getByTestId('edit-1-0').press('Enter');
  await expect(page.getByTestId('study-row-row2')).toContainText('B edited');
  await expect(page).toHaveURL(/pack=j\./);
  await page.reload();
  await expect(page.getByTestId('dataset-select')).toHaveValue('yours-1');
  await expect(page.getByTestId('study-row-row2')).toContainText('B edited');
  await page.getByTestId('dataset-select').selectOption('yours-2');
  await expect(page.getByTestId('outcome-select').locator('option')).toHaveCount(3);
});
