// The overview page: job counts, the upload form, uploaded scripts (with Cancel) and the jobs table.

import { AuthRequiredError, Poller, api, describeError, errorText, getJson } from './api.js';
import {
  changeTracker,
  el,
  emptyRow,
  errorBanner,
  formatCount,
  formatDuration,
  jobHref,
  redrawKeepingFocus,
  stateBadge,
  table,
  timeElement,
} from './dom.js';

export function overviewPage() {
  const banner = errorBanner();
  const counts = {
    running: el('dd', { 'data-testid': 'overview-running' }, '—'),
    finished: el('dd', { 'data-testid': 'overview-finished' }, '—'),
    cancelled: el('dd', { 'data-testid': 'overview-cancelled' }, '—'),
    failed: el('dd', { 'data-testid': 'overview-failed' }, '—'),
  };
  const card = (label, value, kind) => el('div', { class: `count count-${kind}` }, el('dt', {}, label), value);
  const jobsBody = el('tbody', {}, emptyRow(4, 'Loading…'));
  const changed = changeTracker();
  const uploads = uploadsSection(() => poller.refreshNow());

  const root = el('section', { 'aria-labelledby': 'page-title' },
    el('h1', { id: 'page-title', tabindex: '-1' }, 'Overview'),
    banner.element,
    el('dl', { class: 'counts' },
      card('Running', counts.running, 'running'),
      card('Finished', counts.finished, 'finished'),
      card('Cancelled', counts.cancelled, 'cancelled'),
      card('Failed', counts.failed, 'failed')),
    uploadForm(),
    uploads.element,
    el('h2', {}, 'Jobs'),
    table('jobs-table', ['Name', 'State', 'Start time', 'Duration'], jobsBody, 'Jobs, newest first'));

  async function refresh(signal) {
    const [overview, jobs, uploaded] = await Promise.all(
      [getJson('overview', signal), getJson('jobs/overview', signal), getJson('jobs/uploads', signal)]);
    banner.clear();
    counts.running.textContent = formatCount(overview['jobs-running']);
    counts.finished.textContent = formatCount(overview['jobs-finished']);
    counts.cancelled.textContent = formatCount(overview['jobs-cancelled']);
    counts.failed.textContent = formatCount(overview['jobs-failed']);
    if (overview['pystream-version']) {
      document.getElementById('version').textContent = `PyStream ${overview['pystream-version']}`;
    }
    const list = jobs?.jobs ?? [];
    if (changed('jobs', list)) {
      jobsBody.replaceChildren(...(list.length > 0 ? list.map(jobRow) : [emptyRow(4, 'No jobs yet.')]));
    }
    if (changed('uploads', uploaded?.uploads)) uploads.show(uploaded?.uploads ?? []);
  }

  const poller = new Poller(refresh, (error) => banner.show(describeError(error)));
  return { title: 'Overview', root, poller };
}

// Uploaded scripts, each run in a process of its own (the gateway's, or on a cluster a worker's): while one runs (before or
// after it started its jobs) it can be cancelled here; hidden while there are none.
function uploadsSection(refreshNow) {
  const body = el('tbody');
  const result = el('p', { role: 'status', 'data-testid': 'upload-cancel-result' });
  const element = el('section', { 'aria-labelledby': 'uploads-title', 'data-testid': 'uploads', hidden: true },
    el('h2', { id: 'uploads-title' }, 'Uploaded scripts'),
    table('uploads-table', ['Script', 'State', 'Runs on', 'Start time', 'Jobs', 'Error', ''], body, 'Uploaded scripts, newest first'),
    result);

  async function cancel(upload) {
    result.textContent = `Cancelling ${upload.name}…`;
    try {
      const answer = await api(`jobs/uploads/${encodeURIComponent(upload.id)}?mode=cancel`, { method: 'PATCH' });
      result.textContent = answer.ok ? `${upload.name}: its process is being stopped.` : `Cancel failed: ${errorText(answer)}`;
    } catch (error) {
      result.textContent = `Cancel failed: ${describeError(error)}`;
    } finally {
      refreshNow();
    }
  }

  function row(upload) {
    const running = upload.state === 'RUNNING';
    return el('tr', { 'data-testid': `upload-row-${upload.id}` },
      el('td', {}, upload.name),
      el('td', {}, stateBadge(upload.state, 'upload-state')),
      el('td', { 'data-testid': 'upload-worker' }, runsOn(upload)),
      el('td', {}, timeElement(upload['start-time'])),
      el('td', {}, ...(upload.jobs ?? []).flatMap((jid, i) => [i > 0 ? ' ' : null, el('a', { href: jobHref(jid) }, jid.slice(0, 8))])),
      el('td', { class: 'muted' }, upload.error ?? ''),
      el('td', {}, running
        ? el('button', { type: 'button', class: 'danger', 'data-testid': 'upload-cancel', onclick: () => cancel(upload) }, 'Cancel')
        : ''));
  }

  return {
    element,
    show(list) {
      element.hidden = list.length === 0;
      redrawKeepingFocus(body, () => body.replaceChildren(...list.map(row)));
    },
  };
}

// Where an uploaded script's process runs: a cluster's worker, or the gateway's own; a script on a cluster
// runs nowhere until a worker takes it.
function runsOn(upload) {
  if (upload.worker) return upload.worker;
  if (upload.pid != null) return 'gateway';
  return upload.state === 'RUNNING' ? 'waiting for a worker' : '';
}

function jobRow(job) {
  return el('tr', { 'data-testid': `job-row-${job.jid}` },
    el('td', {}, el('a', { href: jobHref(job.jid), 'data-testid': 'job-link' }, job.name || job.jid)),
    el('td', {}, stateBadge(job.state, 'state')),
    el('td', {}, timeElement(job['start-time'])),
    el('td', { class: 'num' }, formatDuration(job.duration)));
}

function uploadForm() {
  const input = el('input', {
    type: 'file', id: 'upload-script', name: 'script', accept: '.py,text/x-python', required: true,
    'data-testid': 'upload-input',
  });
  const button = el('button', { type: 'submit', 'data-testid': 'upload-button' }, 'Submit job');
  const status = el('p', { class: 'muted', role: 'status' });
  const errors = el('div', { class: 'upload-errors', role: 'alert', 'data-testid': 'upload-errors', hidden: true });
  const form = el('form', { class: 'upload', 'aria-labelledby': 'upload-title', onsubmit: submit },
    el('h2', { id: 'upload-title' }, 'Submit a job'),
    el('div', { class: 'inline-form' },
      el('label', { for: 'upload-script' }, 'PyFlink script (.py)'),
      input,
      button),
    status,
    errors);

  function showErrors(messages) {
    // The first entry is the reason; a second one is the script's Python traceback.
    errors.replaceChildren(...messages.map((message, index) => index === 0
      ? el('p', {}, String(message))
      : el('pre', { class: 'traceback' }, String(message))));
    errors.hidden = false;
  }

  async function submit(event) {
    event.preventDefault();
    const file = input.files?.[0];
    if (!file) return;
    errors.hidden = true;
    errors.replaceChildren();
    if (!file.name.toLowerCase().endsWith('.py')) {
      showErrors([`${file.name} is not a .py file.`]);
      return;
    }
    const body = new FormData();
    body.append('script', file, file.name);
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.textContent = `Running ${file.name} until it starts its first job…`;
    try {
      const result = await api('jobs/submit', { method: 'POST', body });
      const jobs = result.data?.jobs;
      if (result.ok && Array.isArray(jobs) && jobs.length > 0) {
        location.hash = jobHref(jobs[0]);
      } else if (result.ok) {
        showErrors(['The script ran but started no job.']);
      } else if (result.status === 413) {
        showErrors(['The script is larger than the gateway accepts (16 MiB).']);
      } else if (Array.isArray(result.data?.errors) && result.data.errors.length > 0) {
        showErrors(result.data.errors);
      } else {
        showErrors([`The gateway did not accept the script: ${errorText(result)}`]);
      }
    } catch (error) {
      showErrors([error instanceof AuthRequiredError
        ? 'The gateway needs an access token: enter it above, then submit again.'
        : describeError(error)]);
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
      status.textContent = '';
    }
  }

  return form;
}
