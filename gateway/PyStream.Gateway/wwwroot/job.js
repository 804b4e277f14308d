// The job page: state, actions (Cancel, Savepoint, Stop with savepoint), operator graph and table,
// checkpoints, exceptions, output and configuration.

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
import { CheckpointsSection } from './checkpoints.js';
import { changeTracker, el, errorBanner, formatDuration, stateBadge, stateClass, timeElement } from './dom.js';
import { OperatorGraph } from './graph.js';
import { OutputSection } from './logs.js';
import { VerticesTable } from './vertices.js';

function renderExceptions(container, data) {
  const root = data?.['root-exception'];
  const entries = data?.exceptionHistory?.entries ?? [];
  if (!root && entries.length === 0) {
    container.replaceChildren(el('p', { class: 'muted' }, 'No exceptions.'));
    return;
  }
  container.replaceChildren(
    root ? el('h3', {}, 'Root exception ',
      data['root-task'] ? ['in ', el('span', { 'data-testid': 'root-exception-task' }, data['root-task']), ' '] : null,
      el('small', {}, timeElement(data.timestamp))) : null,
    root ? el('pre', { class: 'traceback', 'data-testid': 'root-exception' }, root) : null,
    entries.length > 0 ? el('h3', {}, 'History') : null,
    entries.length > 0 ? el('ol', { class: 'exception-history' }, entries.map((entry) => el('li', {},
      el('p', {},
        el('strong', {}, entry.exceptionName ?? 'Exception'),
        entry.taskName ? [' in ', el('span', { 'data-testid': 'exception-task' }, entry.taskName)] : null,
        ' · ', timeElement(entry.timestamp),
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
  // A cluster job waiting for slots says why (REST's pending-reason); hidden once it runs.
  const pendingReason = el('span', { 'data-testid': 'job-pending-reason' });
  const pending = el('p', { class: 'pending', role: 'status', hidden: true }, el('strong', {}, 'Not running yet: '), pendingReason);

  const cancelButton = el('button', { type: 'button', class: 'danger', 'data-testid': 'cancel-button', disabled: true,
    onclick: cancel }, 'Cancel');
  const cancelResult = el('p', { role: 'status', 'data-testid': 'cancel-result' });
  const savepointDir = el('input', { type: 'text', id: 'savepoint-dir', placeholder: 'default directory',
    spellcheck: 'false', 'data-testid': 'savepoint-dir' });
  const savepointButton = el('button', { type: 'submit', 'data-testid': 'savepoint-button', disabled: true },
    'Savepoint');
  const stopButton = el('button', { type: 'button', class: 'danger', 'data-testid': 'stop-savepoint-button', disabled: true,
    onclick: stopWithSavepoint }, 'Stop with savepoint');
  const savepointResult = el('p', { role: 'status', 'data-testid': 'savepoint-result' });

  const graph = new OperatorGraph();
  const verticesTable = new VerticesTable(jid);
  const checkpoints = new CheckpointsSection(jid);
  const exceptions = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  const output = new OutputSection(jid);
  // cancelRequested: the gateway accepted a cancel; the job may report RUNNING a while longer.
  const actions = { cancelling: false, cancelRequested: false, savepointing: false, running: false };

  const idLine = el('p', { class: 'muted' }, 'Job ', el('code', { 'data-testid': 'job-id' }, jid));
  const root = el('article', { 'aria-labelledby': 'page-title' },
    title,
    idLine,
    banner.element,
    el('dl', { class: 'details job-summary' },
      el('div', {}, el('dt', {}, 'State'), el('dd', {}, state)),
      el('div', {}, el('dt', {}, 'Started'), started),
      el('div', {}, el('dt', {}, 'Ended'), ended),
      el('div', {}, el('dt', {}, 'Duration'), duration)),
    pending,
    el('section', { class: 'actions', 'aria-label': 'Job actions' },
      el('div', { class: 'inline-form' }, cancelButton),
      cancelResult,
      el('form', { class: 'inline-form', onsubmit: savepoint },
        el('label', { for: 'savepoint-dir' }, 'Savepoint directory (optional)'),
        savepointDir,
        savepointButton,
        stopButton),
      savepointResult),
    el('section', { 'aria-labelledby': 'graph-title' },
      el('h2', { id: 'graph-title' }, 'Operators'),
      el('div', { class: 'graph-scroll' }, graph.svg),
      el('p', { id: 'vertices-caption', class: 'visually-hidden' }, 'The operator table below lists the same numbers.'),
      verticesTable.element),
    section('checkpoints', 'Checkpoints', checkpoints.element),
    section('exceptions', 'Exceptions', exceptions),
    section('output', 'Output', output.output),
    section('configuration', 'Configuration', output.config));

  function section(testid, heading, content) {
    return el('section', { 'aria-labelledby': `${testid}-title`, 'data-testid': testid },
      el('h2', { id: `${testid}-title` }, heading), content);
  }

  // An unknown (or expired) job: say so once, in place of everything else, and stop asking.
  function showNotFound() {
    poller.stop();
    title.textContent = 'Job not found';
    document.title = 'Job not found · PyStream';
    banner.show(`There is no job ${jid} on this gateway (it may have ended more than an hour ago).`);
    const kept = new Set([title, idLine, banner.element]);
    for (const child of root.children) child.hidden = !kept.has(child);
    root.append(el('p', {}, el('a', { href: '#/', 'data-testid': 'back-to-overview' }, 'Back to the overview')));
  }

  function updateButtons() {
    cancelButton.disabled = !actions.running || actions.cancelling || actions.cancelRequested;
    savepointButton.disabled = !actions.running || actions.savepointing;
    stopButton.disabled = !actions.running || actions.savepointing;
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
    const reason = job['pending-reason'] ?? null;
    pending.hidden = reason === null;
    pendingReason.textContent = reason ?? '';
    actions.running = job.state === 'RUNNING';
    if (!actions.running && actions.cancelRequested) {
      actions.cancelRequested = false;
      cancelResult.textContent = `The job is ${job.state}.`;
    }
    updateButtons();

    const vertices = job.vertices ?? [];
    const edges = job.edges ?? [];
    graph.update(vertices, edges);
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
      if (reason instanceof HttpError && reason.status === 404) {
        showNotFound();
        return;
      }
      throw reason;
    }
    banner.clear();
    renderJob(job.value);
    renderSection(exceptions, 'exceptions', exceptionData, renderExceptions);
    const ended = ['FINISHED', 'CANCELED', 'FAILED', 'SUSPENDED'].includes(job.value.state);
    const more = await Promise.allSettled([
      verticesTable.update(job.value.vertices ?? [], signal),
      checkpointData.status === 'fulfilled' ? checkpoints.refresh(signal, checkpointData.value) : Promise.reject(checkpointData.reason),
      output.refresh(signal, ended),
    ]);
    if (more[1].status === 'rejected' && !(more[1].reason instanceof AuthRequiredError) && !signal.aborted) {
      checkpoints.element.replaceChildren(el('p', { class: 'error' }, describeError(more[1].reason)));
    }
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

  // Both savepoint buttons: POST the call, then show where the savepoint went or why it failed.
  async function takeSavepoint(what, path, json) {
    actions.savepointing = true;
    updateButtons();
    savepointResult.replaceChildren(`${what}…`);
    try {
      const result = await api(`${jobPath(jid)}/${path}`, { method: 'POST', json });
      savepointResult.replaceChildren(...(result.ok && result.data?.location
        ? [`${what}: stored at `, el('code', { 'data-testid': 'savepoint-location' }, result.data.location)]
        : [`${what} failed: ${errorText(result)}`]));
    } catch (error) {
      savepointResult.replaceChildren(`${what} failed: ${describeError(error)}`);
    } finally {
      actions.savepointing = false;
      updateButtons();
      poller.refreshNow();
    }
  }

  function chosenDirectory() {
    const directory = savepointDir.value.trim();
    return directory === '' ? null : directory;
  }

  function savepoint(event) {
    event.preventDefault();
    return takeSavepoint('Savepoint', 'savepoints', { 'target-directory': chosenDirectory(), 'cancel-job': false });
  }

  function stopWithSavepoint() {
    return takeSavepoint('Stop with savepoint', 'stop', { targetDirectory: chosenDirectory(), drain: false });
  }

  output.onOpen = () => poller.refreshNow();
  return { title: 'Job', root, poller };
}
