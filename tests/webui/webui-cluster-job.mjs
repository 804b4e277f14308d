// A cluster job's page: while the job waits for slots it says why (REST's pending-reason); once a
// worker joins and it runs, the reason goes and each subtask's row names its worker and host.
// usage: node tests/webui/webui-cluster-job.mjs BASE_URL JOB_ID VERTEX_ID REASON
//   The caller adds a worker once this prints "waiting: a worker"; the check then prints
//   "workers: 1=WORKER_ID,2=..." (the vertex's subtasks, by subtask number from 1) for the caller to compare.
import { openOverview, pollUntil, runCheck, step, textOf, usage } from './lib.mjs';

const [baseUrl, jobId, vertex, reason] = process.argv.slice(2);
if (!reason) usage('node webui-cluster-job.mjs BASE_URL JOB_ID VERTEX_ID REASON');
// Placing the job once the worker registered, and its workers starting it, takes seconds.
const RUN_TIMEOUT_MS = 60_000;

await runCheck(async (page) => {
  await step('the waiting job says why', async () => {
    await openOverview(page, baseUrl);
    await page.goto(`${baseUrl}#/jobs/${jobId}`);
    await pollUntil('the pending reason', () => textOf(page.getByTestId('job-pending-reason')), (t) => t === reason);
    if (!(await page.getByTestId('job-pending-reason').isVisible())) throw new Error('the pending reason is not shown');
    return `pending: ${reason}`;
  });

  await step('once placed, the reason goes and each subtask names its worker', async () => {
    console.log('waiting: a worker');
    await pollUntil('the pending reason hidden', () => page.getByTestId('job-pending-reason').isVisible(), (visible) => !visible, RUN_TIMEOUT_MS);
    await page.getByTestId(`subtasks-toggle-${vertex}`).click();
    const rows = page.locator(`[data-testid^="subtask-row-${vertex}-"]`);
    await pollUntil('the subtask rows', () => rows.count(), (n) => n > 0);
    const workers = await pollUntil('every subtask placed', async () => {
      const count = await rows.count();
      const named = [];
      for (let i = 0; i < count; i++) {
        const row = rows.nth(i);
        named.push({ worker: await textOf(row.getByTestId('subtask-worker')), host: await textOf(row.getByTestId('subtask-host')) });
      }
      return named;
    }, (named) => named.every((n) => n.worker && n.worker !== '—' && n.host && n.host !== '—'));
    const header = await page.getByTestId(`subtasks-${vertex}`).locator('thead th').allTextContents();
    if (header[1] !== 'Worker' || header[2] !== 'Host') throw new Error(`subtask columns: ${header.join(', ')}`);
    console.log(`workers: ${workers.map((w, i) => `${i + 1}=${w.worker}`).join(',')}`);
    return `subtasks on ${new Set(workers.map((w) => w.worker)).size} workers, host ${workers[0].host}`;
  });
});
