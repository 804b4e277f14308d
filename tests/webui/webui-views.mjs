// Walks the job page's deeper views: a vertex's subtask rows, the checkpoint configuration,
// history and one checkpoint's details, the job's configuration, a job's stdout, a failed job's
// exception naming its subtask, "Job not found" for an unknown id, and Stop with savepoint.
// usage: node tests/webui/webui-views.mjs BASE_URL RUNNING_JOB PRINTED_JOB PRINTED_LINE FAILED_JOB
//   RUNNING_JOB: parallelism 2, checkpoints every 200 ms; PRINTED_JOB printed PRINTED_LINE;
//   FAILED_JOB failed in a user function.
import { pollUntil, runCheck, step, textOf, usage } from './lib.mjs';

const [baseUrl, runningJob, printedJob, printedLine, failedJob] = process.argv.slice(2);
if (!failedJob) usage('node webui-views.mjs BASE_URL RUNNING_JOB PRINTED_JOB PRINTED_LINE FAILED_JOB');

// Stopping waits for a savepoint through a Python worker, so it gets longer than a step.
const STOP_TIMEOUT_MS = 60_000;

async function openJob(page, jid) {
  await page.goto(`${baseUrl}#/jobs/${encodeURIComponent(jid)}`, { waitUntil: 'domcontentloaded' });
  await pollUntil(`job ${jid}'s id on its page`, () => textOf(page.getByTestId('job-id')), (t) => t === jid);
}

const number = (text) => Number((text ?? '').replace(/[^\d]/g, '') || NaN);

await runCheck(async (page) => {
  await step(`open the running job ${runningJob}`, async () => {
    await openJob(page, runningJob);
    await pollUntil('job-state RUNNING', () => textOf(page.getByTestId('job-state')), (s) => s === 'RUNNING');
  });

  const table = page.getByTestId('vertices-table');
  let vertexIds = [];
  await step('each vertex row names its operator in full (title) and opens into one row per subtask', async () => {
    const rows = table.locator('[data-testid^="vertex-row-"]');
    await pollUntil('at least 2 vertex rows', () => rows.count(), (n) => n >= 2);
    vertexIds = await rows.evaluateAll((nodes) => nodes.map((n) => n.dataset.testid.slice('vertex-row-'.length)));
    for (const id of vertexIds) {
      const name = table.getByTestId(`vertex-row-${id}`).locator('th');
      const title = await name.getAttribute('title');
      if (!title || !(await name.textContent()).includes(title)) throw new Error(`vertex-row-${id} has title "${title}"`);
      await page.getByTestId(`subtasks-toggle-${id}`).click();
      for (const subtask of [0, 1]) {
        const row = page.getByTestId(`subtask-row-${id}-${subtask}`);
        await pollUntil(`subtask-row-${id}-${subtask} with records`, () => Promise.all([
          textOf(row.getByTestId('records-in')).then(number), textOf(row.getByTestId('records-out')).then(number),
        ]), ([input, output]) => input + output > 0);
        const busy = await textOf(row.getByTestId('busy'));
        if (!/^\d+%$/.test(busy ?? '')) throw new Error(`subtask-row-${id}-${subtask} shows busy "${busy}"`);
      }
    }
    const keyed = vertexIds[vertexIds.length - 1];
    await pollUntil(`a state size in subtask-row-${keyed}-0`,
      () => page.getByTestId(`subtask-row-${keyed}-0`).getByTestId('state-size').getAttribute('data-value').then(Number),
      (bytes) => bytes > 0);
    // The table is redrawn every second: the keyboard focus stays on the toggle the user is on.
    const toggle = `subtasks-toggle-${keyed}`;
    await page.getByTestId(toggle).focus();
    const records = page.getByTestId(`subtask-row-${keyed}-0`).getByTestId('records-in');
    const before = await textOf(records);
    await pollUntil('a redraw with new numbers', () => textOf(records), (t) => t !== before);
    const focused = await page.evaluate(() => document.activeElement?.dataset?.testid);
    if (focused !== toggle) throw new Error(`after a redraw the focus is on "${focused}", not ${toggle}`);
    return `${vertexIds.length} vertices, 2 subtask rows each, state size shown, focus kept across redraws`;
  });

  await step('the checkpoint configuration shows exactly-once every 200 ms', async () => {
    await pollUntil('checkpoint-config-mode', () => textOf(page.getByTestId('checkpoint-config-mode')), (t) => t === 'exactly_once');
    const interval = await textOf(page.getByTestId('checkpoint-config-interval'));
    if (interval !== '200 ms') throw new Error(`interval shows "${interval}"`);
  });

  await step('the history lists the newest 10 of more checkpoints, and one opens into its details', async () => {
    await pollUntil('more than 10 checkpoints', () => textOf(page.getByTestId('checkpoints-total')).then(number), (n) => n > 10);
    const history = page.getByTestId('checkpoints-history').locator('tbody tr');
    const shown = await pollUntil('10 history rows', () => history.count(), (n) => n === 10);
    const id = await history.first().getAttribute('data-testid').then((t) => t.slice('checkpoint-'.length));
    await page.getByTestId(`checkpoint-open-${id}`).click();
    const details = page.getByTestId('checkpoint-details');
    await details.waitFor({ state: 'visible' });
    for (const vertex of vertexIds) {
      for (const subtask of [0, 1]) {
        const row = details.getByTestId(`checkpoint-subtask-${vertex}-${subtask}`);
        await pollUntil(`checkpoint-subtask-${vertex}-${subtask}`, () => row.count(), (n) => n === 1);
        for (const field of ['sync', 'async', 'alignment']) {
          const value = await textOf(row.getByTestId(field));
          if (!/^[\d,]+$/.test(value ?? '')) throw new Error(`${field} of subtask ${subtask} in vertex ${vertex} shows "${value}"`);
        }
      }
    }
    return `${shown} history rows; checkpoint ${id} shows sync, async and alignment for every subtask`;
  });

  await step("the job's configuration lists its checkpoint interval", async () => {
    const value = page.getByTestId('config-execution.checkpointing.interval').getByTestId('value');
    await pollUntil('the interval in the configuration', () => textOf(value), (t) => t === '200');
  });

  await step(`the stdout panel of job ${printedJob} shows what it printed`, async () => {
    await openJob(page, printedJob);
    await page.getByTestId('job-stdout-panel').locator('summary').click();
    await pollUntil(`"${printedLine}" in job-stdout`, () => textOf(page.getByTestId('job-stdout')), (t) => (t ?? '').includes(printedLine));
  });

  await step(`the exceptions of job ${failedJob} name the failed subtask`, async () => {
    await openJob(page, failedJob);
    const task = await pollUntil('root-exception-task', () => textOf(page.getByTestId('root-exception-task')), (t) => /\(\d+\/\d+\)$/.test(t ?? ''));
    await page.getByTestId('job-log-panel').locator('summary').click();
    await pollUntil('the failure in job-log', () => textOf(page.getByTestId('job-log')), (t) => (t ?? '').includes('the job failed'));
    return `the root exception is in ${task}; the log says the job failed`;
  });

  await step('an unknown job id shows "Job not found" and nothing stays "Loading…"', async () => {
    await page.goto(`${baseUrl}#/jobs/no-such-job`, { waitUntil: 'domcontentloaded' });
    await pollUntil('the title "Job not found"', () => textOf(page.getByTestId('job-name')), (t) => t === 'Job not found');
    await page.getByTestId('back-to-overview').waitFor({ state: 'visible' });
    const visible = await page.locator('#view').innerText();
    if (visible.includes('Loading')) throw new Error(`the page still says Loading: ${visible.slice(0, 200)}`);
  });

  await step('Stop with savepoint finishes the running job and shows where the savepoint went', async () => {
    await openJob(page, runningJob);
    const stop = page.getByTestId('stop-savepoint-button');
    await pollUntil('an enabled Stop with savepoint button', () => stop.isEnabled(), Boolean);
    await stop.click();
    const location = await pollUntil('a savepoint location', () => textOf(page.getByTestId('savepoint-location')), (t) => Boolean(t), STOP_TIMEOUT_MS);
    await pollUntil('job-state FINISHED', () => textOf(page.getByTestId('job-state')), (s) => s === 'FINISHED', STOP_TIMEOUT_MS);
    return `stopped with a savepoint at ${location}`;
  });
});
