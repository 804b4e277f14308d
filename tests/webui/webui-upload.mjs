// Submits a script through the overview's upload form.
// usage: node tests/webui/webui-upload.mjs BASE_URL SCRIPT_PATH [TOKEN] [--expect-error TEXT]
//   without --expect-error: waits for the new job's page and prints `job: <jid>`;
//   with it: checks that the upload errors (reason and traceback) contain TEXT.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { openOverview, pollUntil, runCheck, step, textOf, usage } from './lib.mjs';

// Running the script until it starts its first job includes starting Python, so allow longer.
const SUBMIT_TIMEOUT_MS = 30_000;
const USAGE = 'node webui-upload.mjs BASE_URL SCRIPT_PATH [TOKEN] [--expect-error TEXT]';

const args = process.argv.slice(2);
let expectedError = null;
const flag = args.indexOf('--expect-error');
if (flag !== -1) {
  expectedError = args[flag + 1];
  if (!expectedError) usage(USAGE);
  args.splice(flag, 2);
}
const [baseUrl, scriptPath, token] = args;
if (!baseUrl || !scriptPath || args.length > 3) usage(USAGE);
if (!existsSync(scriptPath)) usage(`${scriptPath} does not exist`);

await runCheck(async (page) => {
  await step(`open ${baseUrl}`, () => openOverview(page, baseUrl, token));

  await step(`submit ${basename(scriptPath)}`, async () => {
    await page.getByTestId('upload-input').setInputFiles(resolve(scriptPath));
    await page.getByTestId('upload-button').click();
  });

  if (expectedError === null) {
    let jid = null;
    await step('the new job page is shown', async () => {
      const url = await pollUntil('the job page URL', () => page.url(), (u) => /#\/jobs\/[^/]+$/.test(u), SUBMIT_TIMEOUT_MS);
      jid = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
      const shownId = await pollUntil('the job id on the page', () => textOf(page.getByTestId('job-id')), (t) => t === jid);
      const state = await pollUntil('a job state', () => textOf(page.getByTestId('job-state')), (s) => /^[A-Z]+$/.test(s ?? ''));
      return `job page of ${shownId} is shown (${state})`;
    });
    console.log(`job: ${jid}`);
  } else {
    await step(`the upload errors mention ${expectedError}`, async () => {
      const errors = page.getByTestId('upload-errors');
      await pollUntil(`upload-errors to contain "${expectedError}"`, () => textOf(errors),
        (t) => (t ?? '').includes(expectedError), SUBMIT_TIMEOUT_MS);
      if (!(await errors.isVisible())) throw new Error('upload-errors is not visible');
      const tracebacks = await errors.locator('pre').count();
      if (/#\/jobs\//.test(page.url())) throw new Error(`navigated to ${page.url()}`);
      return `the upload errors mention ${expectedError} (${tracebacks} traceback block(s))`;
    });
  }
});
