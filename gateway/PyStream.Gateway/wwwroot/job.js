// The job page: state, actions (Cancel, Savepoint), operator graph, checkpoints and exceptions.

import {
  AuthRequiredError,
  HttpError,
  Poller,
  api,
  describeError,
  errorText,
  getJson,
  jobPath,
} from './api.js';
import {
  changeTracker,
  el,
  emptyRow,
  errorBanner,
  formatBytes,
  formatCount,
  formatDuration,
  stateBadge,
  stateClass,
  table,
  timeElement,
} from './dom.js';
import { OperatorGraph, vertexRow } from './graph.js';

function describeCheckpoint(checkpoint) {
  if (!checkpoint) return 'none';
  return el('span', {},
    `#${checkpoint.id} · `, timeElement(checkpoint.trigger_timestamp),
    ` · ${formatCount(checkpoint.end_to_end_duration)} ms · ${formatBytes(checkpoint.state_size)}`,
    checkpoint.failure_message ? ` · ${checkpoint.failure_message}` : null);
}

function describeRestore(restored) {
  if (!restored) return 'none';
  return el('span', {},
    `#${restored.id} · `, timeElement(restored.restore_timestamp),
    restored.external_path ? [' · from ', el('code', {}, restored.external_path)] : null);
}

function renderCheckpoints(container, data) {
  const counts = data?.counts ?? {};
  const latest = data?.latest ?? {};
  const history = data?.history ?? [];
  const count = (label, testid, value) => el('div', { class: 'count' },
    el('dt', {}, label), el('dd', { 'data-testid': testid }, formatCount(value)));
  const latestRow = (label, testid, value) => el('div', {},
    el('dt', {}, label), el('dd', { 'data-testid': testid }, value));

  const rows = history.map((c) => el('tr', { 'data-testid': `checkpoint-${c.id}` },
    el('td', { class: 'num' }, String(c.id)),
    el('td', {}, el('span', { class: stateClass(c.status) }, c.status ?? '—')),
    el('td', {}, c.is_savepoint ? 'yes' : 'no'),
    el('td', {}, timeElement(c.trigger_timestamp)),
    el('td', { class: 'num' }, formatCount(c.end_to_end_duration)),
    el('td', { class: 'num', title: Number.isFinite(c.state_size) ? `${c.state_size} bytes` : null },
      formatBytes(c.state_size)),
    el('td', {}, c.failure_message ?? '')));

  container.replaceChildren(
    el('dl', { class: 'counts small' },
      count('Completed', 'checkpoints-completed', counts.completed),
      count('Failed', 'checkpoints-failed', counts.failed),
      count('Total', 'checkpoints-total', counts.total),
      count('Restored', 'checkpoints-restored', counts.restored)),
    el('dl', { class: 'details' },
      latestRow('Latest completed', 'checkpoints-latest-completed', describeCheckpoint(latest.completed)),
      latestRow('Latest savepoint', 'checkpoints-latest-savepoint', describeCheckpoint(latest.savepoint)),
      latestRow('Latest failed', 'checkpoints-latest-failed', describeCheckpoint(latest.failed)),
      latestRow('Restored', 'checkpoints-latest-restored', describeRestore(latest.restored))),
    table('checkpoints-history',
      ['ID', 'Status', 'Savepoint', 'Trigger time', 'Duration (ms)', 'Size', 'Failure'],
      el('tbody', {}, rows.length > 0 ? rows : emptyRow(7, 'No checkpoints yet.')),
      'Checkpoint history'));
}

function renderExceptions(container, data) {
  const root = data?.['root-exception'];
  const entries = data?.exceptionHistory?.entries ?? [];
  if (!root && entries.length === 0) {
    container.replaceChildren(el('p', { class: 'muted' }, 'No exceptions.'));
    return;
  }
  container.replaceChildren(
    root ? el('h3', {}, 'Root exception ', el('small', {}, timeElement(data.timestamp))) : null,
    root ? el('pre', { class: 'traceback', 'data-testid': 'root-exception' }, root) : null,
    entries.length > 0 ? el('h3', {}, 'History') : null,
    entries.length > 0 ? el('ol', { class: 'exception-history' }, entries.map((entry) => el('li', {},
      el('p', {},
        el('strong', {}, entry.exceptionName ?? 'Exception'), ' · ', timeElement(entry.timestamp),
        entry.restarted ? ' · the job restarted' : null),
      el('pre', { class: 'traceback' }, entry.stacktrace ?? '')))) : null);
}

// ---------------------------------------------------------------------------------------------
// Job page

export function jobPage(jid) {
  const banner = errorBanner();
  const changed = changeTracker();
  const title = el('h1', { id: 'page-title', tabindex: '-1', 'data-testid': 'job-name' }, 'Job');
  const state = stateBadge(null, 'job-state');
  const started = el('dd', {}, '—');
  const ended = el('dd', {}, '—');
  const duration = el('dd', { 'data-testid': 'job-duration' }, '—');

  const cancelButton = el('button', { type: 'button', class: 'danger', 'data-testid': 'cancel-button', disabled: true,
    onclick: cancel }, 'Cancel');
  const cancelResult = el('p', { role: 'status', 'data-testid': 'cancel-result' });
  const savepointDir = el('input', { type: 'text', id: 'savepoint-dir', placeholder: 'default directory',
    spellcheck: 'false', 'data-testid': 'savepoint-dir' });
  const savepointButton = el('button', { type: 'submit', 'data-testid': 'savepoint-button', disabled: true },
    'Savepoint');
  const savepointResult = el('p', { role: 'status', 'data-testid': 'savepoint-result' });

  const graph = new OperatorGraph();
  const verticesBody = el('tbody', {}, emptyRow(8, 'Loading…'));
  const checkpoints = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  const exceptions = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  // cancelRequested: the gateway accepted a cancel; the job may report RUNNING a while longer.
  const actions = { cancelling: false, cancelRequested: false, savepointing: false, running: false };

  const root = el('article', { 'aria-labelledby': 'page-title' },
    title,
    el('p', { class: 'muted' }, 'Job ', el('code', { 'data-testid': 'job-id' }, jid)),
    banner.element,
    el('dl', { class: 'details job-summary' },
      el('div', {}, el('dt', {}, 'State'), el('dd', {}, state)),
      el('div', {}, el('dt', {}, 'Started'), started),
      el('div', {}, el('dt', {}, 'Ended'), ended),
      el('div', {}, el('dt', {}, 'Duration'), duration)),
    el('section', { class: 'actions', 'aria-label': 'Job actions' },
      el('div', { class: 'inline-form' }, cancelButton),
      cancelResult,
      el('form', { class: 'inline-form', onsubmit: savepoint },
        el('label', { for: 'savepoint-dir' }, 'Savepoint directory (optional)'),
        savepointDir,
        savepointButton),
      savepointResult),
    el('section', { 'aria-labelledby': 'graph-title' },
      el('h2', { id: 'graph-title' }, 'Operators'),
      el('div', { class: 'graph-scroll' }, graph.svg),
      el('p', { id: 'vertices-caption', class: 'visually-hidden' }, 'The operator table below lists the same numbers.'),
      table('vertices-table',
        ['Operator', 'Parallelism', 'Status', 'Records in', 'Records out', 'Busy', 'Backpressured', 'Watermark'],
        verticesBody, 'Operators')),
    el('section', { 'aria-labelledby': 'checkpoints-title', 'data-testid': 'checkpoints' },
      el('h2', { id: 'checkpoints-title' }, 'Checkpoints'),
      checkpoints),
    el('section', { 'aria-labelledby': 'exceptions-title', 'data-testid': 'exceptions' },
      el('h2', { id: 'exceptions-title' }, 'Exceptions'),
      exceptions));

  function updateButtons() {
    cancelButton.disabled = !actions.running || actions.cancelling || actions.cancelRequested;
    savepointButton.disabled = !actions.running || actions.savepointing;
  }

  function renderJob(job) {
    const name = job.name || job.jid || jid;
    if (title.textContent !== name) {
      title.textContent = name;
      document.title = `${name} · PyStream`;
    }
    state.textContent = job.state ?? '—';
    state.className = stateClass(job.state);
    if (changed('times', [job['start-time'], job['end-time']])) {
      started.replaceChildren(timeElement(job['start-time']));
      ended.replaceChildren(timeElement(job['end-time']));
    }
    duration.textContent = formatDuration(job.duration);
    actions.running = job.state === 'RUNNING';
    if (!actions.running && actions.cancelRequested) {
      actions.cancelRequested = false;
      cancelResult.textContent = `The job is ${job.state}.`;
    }
    updateButtons();

    const vertices = job.vertices ?? [];
    const edges = job.edges ?? [];
    graph.update(vertices, edges);
    if (changed('vertices', vertices)) {
      verticesBody.replaceChildren(...(vertices.length > 0 ? vertices.map(vertexRow) : [emptyRow(8, 'No operators.')]));
    }
  }

  // Each section shows its own failure, so a slow checkpoint call does not blank the graph.
  function renderSection(container, key, outcome, render) {
    if (outcome.status === 'fulfilled') {
      if (changed(key, outcome.value)) render(container, outcome.value);
    } else if (!(outcome.reason instanceof AuthRequiredError)) {
      changed(key, undefined);
      container.replaceChildren(el('p', { class: 'error' }, describeError(outcome.reason)));
    }
  }

  async function refresh(signal) {
    const [job, checkpointData, exceptionData] = await Promise.allSettled([
      getJson(jobPath(jid), signal),
      getJson(`${jobPath(jid)}/checkpoints`, signal),
      getJson(`${jobPath(jid)}/exceptions`, signal),
    ]);
    if (signal.aborted) return;
    if (job.status === 'rejected') {
      const reason = job.reason;
      if (reason instanceof HttpError && reason.status === 404) throw new Error(`There is no job ${jid}.`);
      throw reason;
    }
    banner.clear();
    renderJob(job.value);
    renderSection(checkpoints, 'checkpoints', checkpointData, renderCheckpoints);
    renderSection(exceptions, 'exceptions', exceptionData, renderExceptions);
  }

  function onError(error) {
    actions.running = false;
    updateButtons();
    banner.show(error instanceof HttpError || error instanceof AuthRequiredError || error.name === 'TypeError'
      ? describeError(error)
      : error.message);
  }

  const poller = new Poller(refresh, onError);

  async function cancel() {
    actions.cancelling = true;
    updateButtons();
    cancelResult.textContent = 'Cancelling…';
    try {
      const result = await api(`${jobPath(jid)}?mode=cancel`, { method: 'PATCH' });
      actions.cancelRequested = result.ok;
      cancelResult.textContent = result.ok
        ? 'Cancellation requested; the job stops after its in-flight records.'
        : `Cancel failed: ${errorText(result)}`;
    } catch (error) {
      cancelResult.textContent = `Cancel failed: ${describeError(error)}`;
    } finally {
      actions.cancelling = false;
      poller.refreshNow();
    }
  }

  async function savepoint(event) {
    event.preventDefault();
    actions.savepointing = true;
    updateButtons();
    savepointResult.replaceChildren('Taking a savepoint…');
    const directory = savepointDir.value.trim();
    try {
      const result = await api(`${jobPath(jid)}/savepoints`, {
        method: 'POST',
        json: { 'target-directory': directory === '' ? null : directory, 'cancel-job': false },
      });
      savepointResult.replaceChildren(...(result.ok && result.data?.location
        ? ['Savepoint stored at ', el('code', {}, result.data.location)]
        : [`Savepoint failed: ${errorText(result)}`]));
    } catch (error) {
      savepointResult.replaceChildren(`Savepoint failed: ${describeError(error)}`);
    } finally {
      actions.savepointing = false;
      updateButtons();
      poller.refreshNow();
    }
  }

  return { title: 'Job', root, poller };
}
