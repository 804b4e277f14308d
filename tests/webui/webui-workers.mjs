// The Workers page: reached from the navigation, it lists each registered worker with its slots
// and last heartbeat, and the slot totals; a worker that leaves disappears from it.
// usage: node tests/webui/webui-workers.mjs BASE_URL WORKER_ID:SLOTS WORKER_ID:SLOTS
//   The first worker is to be stopped by the caller once this prints "waiting: WORKER_ID gone".
import { openOverview, pollUntil, runCheck, step, textOf, usage } from './lib.mjs';

const [baseUrl, ...given] = process.argv.slice(2);
if (given.length < 2) usage('node webui-workers.mjs BASE_URL WORKER_ID:SLOTS WORKER_ID:SLOTS');
const workers = given.map((pair) => {
  const at = pair.lastIndexOf(':');
  return { id: pair.slice(0, at), slots: Number(pair.slice(at + 1)) };
});
const total = workers.reduce((sum, w) => sum + w.slots, 0);
// Heartbeats arrive every interval: wait longer than one for the gone worker's row to go.
const GONE_TIMEOUT_MS = 60_000;

await runCheck(async (page) => {
  await step('the navigation opens the Workers page', async () => {
    await openOverview(page, baseUrl);
    await page.getByTestId('nav-workers').click();
    await pollUntil('the Workers heading', () => textOf(page.locator('h1')), (t) => t === 'Workers');
    if ((await page.getByTestId('nav-workers').getAttribute('aria-current')) !== 'page') throw new Error('the Workers link is not marked current');
  });

  await step(`${workers.length} workers with their slots, all free, and the totals`, async () => {
    await pollUntil('the workers count', () => textOf(page.getByTestId('workers-count')), (t) => t === String(workers.length));
    for (const worker of workers) {
      const row = page.getByTestId(`worker-row-${worker.id}`);
      await pollUntil(`worker-row-${worker.id}`, () => row.count(), (n) => n === 1);
      const [used, free] = [await textOf(row.getByTestId('worker-slots-used')), await textOf(row.getByTestId('worker-slots-free'))];
      if (used !== '0' || free !== String(worker.slots)) throw new Error(`${worker.id}: used ${used}, free ${free}; expected 0 and ${worker.slots}`);
      const beat = await row.getByTestId('worker-heartbeat').locator('time').getAttribute('datetime');
      if (!beat || Math.abs(Date.parse(beat) - Date.now()) > 60_000) throw new Error(`${worker.id}: last heartbeat ${beat}`);
    }
    const [slots, available] = [await textOf(page.getByTestId('slots-total')), await textOf(page.getByTestId('slots-available'))];
    if (slots !== String(total) || available !== String(total)) throw new Error(`slots ${slots}, free ${available}; expected ${total} and ${total}`);
    return `${workers.length} workers, ${total} slots, all free, heartbeats shown`;
  });

  await step(`a stopped worker's row goes (${workers[0].id})`, async () => {
    console.log(`waiting: ${workers[0].id} gone`);
    await pollUntil(`worker-row-${workers[0].id} gone`, () => page.getByTestId(`worker-row-${workers[0].id}`).count(), (n) => n === 0, GONE_TIMEOUT_MS);
    await pollUntil('the slots total without it', () => textOf(page.getByTestId('slots-total')), (t) => t === String(total - workers[0].slots));
  });
});
