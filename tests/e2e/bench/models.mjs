// Bayesian and meta-regression benchmark. Bayesian: k = 8 and k = 30 synthetic studies pasted as
// CSV, the Bayesian tab open (the chosen prior and the seven of the sensitivity table, each a
// full posterior by quadrature, and the density figure), 20 trial toggles from the click to the
// figure redrawn ('bayes-drawn'). Meta-regression: the bundled BCG trials (k = 13) on absolute
// latitude, 20 toggles to the bubble plot redrawn ('metareg-drawn'). Rare events: k = 8 and 30
// synthetic, the common-effect rma.glmm odds ratios (CM.EL, CM.AL, UM.FS, UM.RS) with MH, Peto
// and IV beside them, 20 toggles until the CM.EL estimate on the page has changed; then with
// the three random-effects models ticked, until the last of them (UM.RS) has changed. The
// selection model: BCG, the small-study view (all its tests, the funnel and the selection
// model), 20 toggles to the funnel redrawn. Prints medians.
// Run from tests/e2e: node bench/models.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { chromiumFlags } from '../playwright.config.mjs';
import { pageWithSynthetic, timedToChange, timedToMark } from './timing.mjs';

const server = spawn('node', ['serve.mjs', '../../dist', '8191'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

try {
  for (const k of [8, 30]) {
    const page = await pageWithSynthetic(browser, 8191, k);
    await page.getByTestId('view-bayes').click();
    await page.getByTestId('bayes-plot').waitFor();
    const toggle = await timedToMark(page, '[data-testid=trial-toggle-row1]', 'bayes-drawn', 20);
    console.log(`Bayesian, k = ${k} (8 posteriors: the chosen prior and the seven of the table): trial toggle -> figure redrawn median ${median(toggle).toFixed(1)} ms (n = 20)`);
    await page.close();
  }
  for (const k of [8, 30]) {
    const page = await pageWithSynthetic(browser, 8191, k);
    await page.getByTestId('view-rare').click();
    await page.getByTestId('rare-cm-el').waitFor();
    const toggle = await timedToChange(page, '[data-testid=trial-toggle-row1]', '[data-testid=rare-cm-el]', 20);
    console.log(`rare events (CM.EL, CM.AL, UM.FS, MH, Peto, IV), k = ${k}: trial toggle -> CM.EL estimate on the page median ${median(toggle).toFixed(1)} ms (n = 20)`);
    await page.close();
  }
  {
    // The mixed models at k = 8 only: CM.EL with random effects integrates the exact likelihood,
    // whose cost grows with the events per trial (dozens in the synthetic data).
    const k = 8;
    const page = await pageWithSynthetic(browser, 8191, k);
    await page.getByTestId('view-rare').click();
    await page.getByTestId('rare-random-toggle').check();
    await page.locator('[data-testid=rare-um-rs-re]:not(.desk-only)').waitFor();
    const withRandom = await timedToChange(page, '[data-testid=trial-toggle-row1]', '[data-testid=rare-um-rs-re]', 20);
    console.log(`rare events with the mixed models fitted too (UM.RS; CM.EL, CM.AL, UM.RS by ML), k = ${k}: trial toggle -> UM.RS by ML on the page median ${median(withRandom).toFixed(1)} ms (n = 20)`);
    await page.close();
  }
  {
    // The same with rare events: eight made-up trials of 100-300 patients with 0-6 events per
    // arm (benchmark input only, not data).
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto('http://127.0.0.1:8191/index.html?model=DL');
    await page.waitForSelector('[data-testid=pooled-estimate]');
    const rare = 'study,events_treatment,total_treatment,events_control,total_control\nR1,1,120,4,118\nR2,0,95,2,101\nR3,3,240,6,236\nR4,2,150,2,149\nR5,0,300,3,298\nR6,4,180,5,176\nR7,1,210,4,205\nR8,2,130,1,128\n';
    await page.getByText('Use your own data').click();
    await page.getByTestId('import-text').fill(rare);
    await page.getByTestId('import-apply').click();
    await page.getByTestId('view-rare').click();
    await page.getByTestId('rare-random-toggle').check();
    await page.locator('[data-testid=rare-um-rs-re]:not(.desk-only)').waitFor();
    const withRandom = await timedToChange(page, '[data-testid=trial-toggle-row1]', '[data-testid=rare-um-rs-re]', 20);
    console.log(`rare events with the mixed models fitted too, k = 8 trials with 0-6 events per arm: trial toggle -> UM.RS by ML on the page median ${median(withRandom).toFixed(1)} ms (n = 20)`);
    await page.close();
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto('http://127.0.0.1:8191/index.html?set=bcg-colditz1994&model=REML&view=smallstudy');
  await page.getByTestId('selection-model-result').waitFor();
  const smallStudy = await timedToChange(page, '[data-testid=trial-toggle-bcg1]', '[data-testid=selection-model-result]', 20);
  console.log(`small-study view with the selection model, BCG k = 13, REML: trial toggle -> selection model on the page median ${median(smallStudy).toFixed(1)} ms (n = 20)`);
  await page.goto('http://127.0.0.1:8191/index.html?set=bcg-colditz1994&model=REML&view=metareg&mod=absolute%20latitude');
  await page.getByTestId('metareg-plot').waitFor();
  const toggle = await timedToMark(page, '[data-testid=trial-toggle-bcg1]', 'metareg-drawn', 20);
  console.log(`meta-regression, BCG k = 13, REML on latitude: trial toggle -> bubble plot redrawn median ${median(toggle).toFixed(1)} ms (n = 20)`);
} finally {
  await browser.close();
  server.kill();
}
