// Cancels an uploaded script that starts no job, from the overview's table of uploaded scripts.
// usage: node tests/webui/webui-uploads.mjs BASE_URL SCRIPT_PATH [--runs-on WHERE]
//   submits SCRIPT_PATH (it must loop without starting a job), waits for its row in the uploads
//   table, running where WHERE says (default: gateway, a process of the gateway's own; on a cluster
//   the worker's id), clicks its Cancel button, and checks that the row turns CANCELED and the upload form
//   reports why the script started no job. Prints `upload: <id>`.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { openOverview, pollUntil, runCheck, step, textOf, usage } from './lib.mjs';

const USAGE = 'node webui-uploads.mjs BASE_URL SCRIPT_PATH [--runs-on WHERE]';
const [baseUrl, scriptPath, ...rest] = process.argv.slice(2);
if (!baseUrl || !scriptPath || !(rest.length === 0 || (rest.length === 2 && rest[0] === '--runs-on'))) usage(USAGE);
const where = rest[1] ?? 'gateway';
if (!existsSync(scriptPath)) usage(`${scriptPath} does not exist`);
const name = basename(scriptPath);

await runCheck(async (page) => {
  await step(`open ${baseUrl}`, () => openOverview(page, baseUrl));

  await step(`submit ${name}`, async () => {
    await page.getByTestId('upload-input').setInputFiles(resolve(scriptPath));
    await page.getByTestId('upload-button').click();
  });

  const row = page.getByTestId('uploads-table').locator('tr', { hasText: name });
  let id = null;
  await step(`${name} is listed as RUNNING with a Cancel button`, async () => {
    await pollUntil(`the ${name} row to be RUNNING`, () => textOf(row.getByTestId('upload-state')), (s) => s === 'RUNNING');
    id = (await row.getAttribute('data-testid')).replace(/^upload-row-/, '');
    if (!(await row.getByTestId('upload-cancel').isVisible())) throw new Error('no visible Cancel button');
    // On a cluster the row may first say 'waiting for a worker': a worker is listed once registered, and takes
    // scripts once its deployment stream is open too.
    const runsOn = await pollUntil(`the ${name} row to say it runs on ${where}`, () => textOf(row.getByTestId('upload-worker')), (w) => w === where);
    return `row of upload ${id}, runs on ${runsOn}`;
  });

  await step('Cancel stops it', async () => {
    await row.getByTestId('upload-cancel').click();
    await pollUntil(`the ${name} row to be CANCELED`, () => textOf(row.getByTestId('upload-state')), (s) => s === 'CANCELED');
    if (await row.getByTestId('upload-cancel').count() > 0) throw new Error('an ended upload still offers Cancel');
    const errors = await pollUntil('the upload form to report it', () => textOf(page.getByTestId('upload-errors')),
      (t) => (t ?? '').includes(`${name} was cancelled`));
    return errors.split('\n')[0];
  });
  console.log(`upload: ${id}`);
});
