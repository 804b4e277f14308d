// The Workers page: the cluster's workers (Flink's task managers) from /taskmanagers, with the
// slot totals of /overview. A gateway started without --cluster has none, and says how to get some.

import { Poller, describeError, getJson } from './api.js';
import { changeTracker, el, emptyRow, errorBanner, formatBytes, formatCount, table, timeElement } from './dom.js';

export function workersPage() {
  const banner = errorBanner();
  const counts = {
    workers: el('dd', { 'data-testid': 'workers-count' }, '—'),
    total: el('dd', { 'data-testid': 'slots-total' }, '—'),
    available: el('dd', { 'data-testid': 'slots-available' }, '—'),
  };
  const card = (label, value, kind) => el('div', { class: `count count-${kind}` }, el('dt', {}, label), value);
  const body = el('tbody', {}, emptyRow(7, 'Loading…'));
  const changed = changeTracker();

  const root = el('section', { 'aria-labelledby': 'page-title' },
    el('h1', { id: 'page-title', tabindex: '-1' }, 'Workers'),
    banner.element,
    el('dl', { class: 'counts' },
      card('Workers', counts.workers, 'running'),
      card('Slots', counts.total, 'finished'),
      card('Slots free', counts.available, 'finished')),
    table('workers-table', ['Worker', 'Host', 'Slots used', 'Slots free', 'Last heartbeat', 'Free memory', 'CPU cores'], body,
      'Workers, in the order they registered'));

  async function refresh(signal) {
    const [overview, workers] = await Promise.all([getJson('overview', signal), getJson('taskmanagers', signal)]);
    banner.clear();
    counts.workers.textContent = formatCount(overview.taskmanagers);
    counts.total.textContent = formatCount(overview['slots-total']);
    counts.available.textContent = formatCount(overview['slots-available']);
    const list = workers?.taskmanagers ?? [];
    if (changed('workers', list)) {
      body.replaceChildren(...(list.length > 0
        ? list.map(workerRow)
        : [emptyRow(7, 'No workers. Start one with ./pystream worker --coordinator HOST:PORT (the gateway needs --cluster).')]));
    }
  }

  return { title: 'Workers', root, poller: new Poller(refresh, (error) => banner.show(describeError(error))) };
}

function workerRow(worker) {
  const memory = worker.hardware ?? {};
  return el('tr', { 'data-testid': `worker-row-${worker.id}` },
    el('td', { 'data-testid': 'worker-id' }, el('code', {}, worker.id)),
    el('td', {}, worker.hostName ?? '—'),
    el('td', { class: 'num', 'data-testid': 'worker-slots-used' }, formatCount(worker.slotsNumber - worker.freeSlots)),
    el('td', { class: 'num', 'data-testid': 'worker-slots-free' }, formatCount(worker.freeSlots)),
    // Flink's name: the time of the last heartbeat, not a duration.
    el('td', { 'data-testid': 'worker-heartbeat' }, timeElement(worker.timeSinceLastHeartbeat)),
    el('td', { class: 'num' }, `${formatBytes(memory.freeMemory)} of ${formatBytes(memory.physicalMemory)}`),
    el('td', { class: 'num' }, formatCount(memory.cpuCores)));
}
