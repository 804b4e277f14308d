// Walks the Web UI over a running job: overview → job page → live numbers → Cancel → overview.
// usage: node tests/webui/webui-check.mjs BASE_URL JOB_ID [TOKEN]
import { openOverview, pollUntil, runCheck, step, textOf, usage } from './lib.mjs';

const [baseUrl, jobId, token] = process.argv.slice(2);
if (!baseUrl || !jobId) usage('node webui-check.mjs BASE_URL JOB_ID [TOKEN]');

// Cancelling waits for the records a Python worker is processing, so it gets longer than a step.
const CANCEL_TIMEOUT_MS = 30_000;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function count(text) {
  const digits = (text ?? '').replace(/[^\d]/g, '');
  return digits === '' ? NaN : Number(digits);
}

await runCheck(async (page) => {
  await step(`open ${baseUrl}`, () => openOverview(page, baseUrl, token));

  const row = page.getByTestId(`job-row-${jobId}`);
  await step(`job ${jobId} is RUNNING in the overview`, async () => {
    await pollUntil(`row job-row-${jobId} to show RUNNING`, () => textOf(row.getByTestId('state')), (s) => s === 'RUNNING');
  });

  await step('open the job page', async () => {
    await row.getByTestId('job-link').click();
    await pollUntil('the job page URL', () => page.url(), (url) => url.endsWith(`#/jobs/${encodeURIComponent(jobId)}`));
    await pollUntil('job-state RUNNING', () => textOf(page.getByTestId('job-state')), (s) => s === 'RUNNING');
  });

  const boxes = page.getByTestId('graph').locator('[data-testid^="vertex-"]');
  let vertexIds = [];
  await step('graph has at least 2 vertex boxes with parallelism', async () => {
    await pollUntil('at least 2 vertex boxes', () => boxes.count(), (n) => n >= 2);
    vertexIds = await boxes.evaluateAll((nodes) => nodes.map((node) => node.dataset.testid.slice('vertex-'.length)));
    for (const id of vertexIds) {
      const parallelism = await textOf(page.getByTestId('graph').getByTestId(`vertex-${id}`).getByTestId('parallelism'));
      if (!(count(parallelism) >= 1)) throw new Error(`vertex-${id} shows parallelism "${parallelism}"`);
    }
    return `graph has ${vertexIds.length} vertex boxes with parallelism shown`;
  });

  // The first box is a source (depth 0): it emits for as long as the job runs.
  const vertex = page.getByTestId('graph').getByTestId(`vertex-${vertexIds[0]}`);
  const recordsOut = vertex.getByTestId('records-out');
  let before = NaN;
  await step(`read records-out of vertex ${vertexIds[0]}`, async () => {
    before = await pollUntil('a number in records-out', () => textOf(recordsOut).then(count), Number.isFinite);
    return `records-out of vertex ${vertexIds[0]} is ${before}`;
  });

  await step('records-out grows', async () => {
    const after = await pollUntil(`records-out > ${before}`, () => textOf(recordsOut).then(count), (n) => n > before);
    return `records-out grew from ${before} to ${after}`;
  });

  await step('busy % and watermark are rendered', async () => {
    const busy = await textOf(vertex.getByTestId('busy'));
    const watermark = await textOf(vertex.getByTestId('watermark'));
    if (!/^\d+%$/.test(busy ?? '')) throw new Error(`busy shows "${busy}"`);
    if (!(watermark === '—' || ISO_TIME.test(watermark ?? ''))) throw new Error(`watermark shows "${watermark}"`);
    return `busy ${busy}, watermark ${watermark}`;
  });

  await step('Cancel turns job-state to CANCELED', async () => {
    const cancel = page.getByTestId('cancel-button');
    await pollUntil('an enabled Cancel button', () => cancel.isEnabled(), Boolean);
    const clicked = Date.now();
    await cancel.click();
    await pollUntil('a disabled Cancel button once the cancel is accepted', () => cancel.isDisabled(), Boolean);
    await pollUntil('job-state CANCELED', () => textOf(page.getByTestId('job-state')), (s) => s === 'CANCELED',
      CANCEL_TIMEOUT_MS);
    const took = Date.now() - clicked;
    await pollUntil('a disabled Savepoint button', () => page.getByTestId('savepoint-button').isDisabled(), Boolean);
    return `Cancel turned job-state to CANCELED in ${took} ms`;
  });

  await step('overview counts at least 1 cancelled job', async () => {
    await page.getByTestId('nav-overview').click();
    const cancelled = await pollUntil('overview-cancelled ≥ 1',
      () => textOf(page.getByTestId('overview-cancelled')).then(count), (n) => n >= 1);
    await pollUntil(`row job-row-${jobId} to show CANCELED`, () => textOf(row.getByTestId('state')), (s) => s === 'CANCELED');
    return `overview counts ${cancelled} cancelled job(s), and the job row shows CANCELED`;
  });
});
