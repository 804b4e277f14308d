// The job page's checkpoint section: counts, latest, the capped history, the configuration, and
// one checkpoint's details (per operator and subtask: sync/async time, alignment, size).

import { describeError, getJson, jobPath } from './api.js';
import { el, emptyRow, formatBytes, formatCount, redrawKeepingFocus, stateClass, table, timeElement } from './dom.js';

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

function durationText(ms) {
  return Number.isFinite(ms) ? `${formatCount(ms)} ms` : 'none';
}

function renderConfig(config) {
  if (!config) return el('p', { class: 'muted' }, 'Loading the checkpoint configuration…');
  const row = (label, value, testid) => el('div', {}, el('dt', {}, label), el('dd', { 'data-testid': testid }, value));
  const externalized = config.externalization ?? {};
  return el('dl', { class: 'details', 'data-testid': 'checkpoint-config' },
    row('Mode', config.mode ?? '—', 'checkpoint-config-mode'),
    row('Interval', durationText(config.interval), 'checkpoint-config-interval'),
    row('Timeout', durationText(config.timeout), 'checkpoint-config-timeout'),
    row('Minimum pause', durationText(config.min_pause), 'checkpoint-config-min-pause'),
    row('Concurrent checkpoints', formatCount(config.max_concurrent), 'checkpoint-config-max-concurrent'),
    row('Tolerable failures', formatCount(config.tolerable_failed_checkpoints), 'checkpoint-config-tolerable'),
    row('Kept after the job', !externalized.enabled ? 'no'
      : externalized.delete_on_cancellation ? 'yes, deleted on cancellation' : 'yes, kept on cancellation',
    'checkpoint-config-externalization'),
    row('Storage', el('code', {}, config.checkpoint_storage ?? '—'), 'checkpoint-config-storage'));
}

function renderDetails(details) {
  const tasks = Object.values(details.tasks ?? {});
  return el('div', { 'data-testid': 'checkpoint-details' },
    el('h3', {}, `Checkpoint #${details.id} `, el('small', {}, details.status ?? ''),
      ` · ${formatCount(details.num_acknowledged_subtasks)} of ${formatCount(details.num_subtasks)} subtasks acknowledged`),
    details.failure_message ? el('p', { class: 'error', 'data-testid': 'checkpoint-details-failure' },
      `Failed: ${details.failure_message}`) : null,
    tasks.map((task) => el('section', { 'data-testid': `checkpoint-task-${task.id}` },
      el('h4', { class: 'wrap-name' }, task.name ?? String(task.id),
        ` · ${formatCount(task.num_acknowledged_subtasks)}/${formatCount(task.num_subtasks)} · ${formatBytes(task.state_size)}`),
      table(`checkpoint-subtasks-${task.id}`,
        ['Subtask', 'Acknowledged', 'End to end (ms)', 'Sync (ms)', 'Async (ms)', 'Alignment (ms)', 'Size'],
        el('tbody', {}, (task.subtasks ?? []).length === 0 ? emptyRow(7, 'No subtask acknowledged.')
          : task.subtasks.map((s) => el('tr', { 'data-testid': `checkpoint-subtask-${task.id}-${s.index}` },
            el('td', { class: 'num' }, String(s.index + 1)),
            el('td', {}, timeElement(s.ack_timestamp)),
            el('td', { class: 'num' }, formatCount(s.end_to_end_duration)),
            el('td', { class: 'num', 'data-testid': 'sync' }, formatCount(s.checkpoint?.sync)),
            el('td', { class: 'num', 'data-testid': 'async' }, formatCount(s.checkpoint?.async)),
            el('td', { class: 'num', 'data-testid': 'alignment' }, formatCount(s.alignment?.duration)),
            el('td', { class: 'num', 'data-testid': 'size', 'data-value': s.state_size }, formatBytes(s.state_size))))),
        `Subtasks of ${task.name} in checkpoint ${details.id}`))));
}

export class CheckpointsSection {
  #jid;
  #config = null;
  #data = null;
  #selected = null;
  #details = null;

  constructor(jid) {
    this.#jid = jid;
    this.element = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  }

  // The configuration never changes, so it is read once; a selected checkpoint's details are read
  // until it completes or fails.
  async refresh(signal, data) {
    this.#data = data;
    if (!this.#config) this.#config = await getJson(`${jobPath(this.#jid)}/checkpoints/config`, signal);
    if (this.#selected !== null) {
      try {
        this.#details = await getJson(`${jobPath(this.#jid)}/checkpoints/details/${this.#selected}`, signal);
      } catch (error) {
        this.#details = { error: describeError(error) };
      }
    }
    this.render();
  }

  select(id) {
    this.#selected = id;
    this.#details = null;
    this.render();
  }

  render() {
    const data = this.#data;
    const counts = data?.counts ?? {};
    const latest = data?.latest ?? {};
    const history = data?.history ?? [];
    const count = (label, testid, value) => el('div', { class: 'count' },
      el('dt', {}, label), el('dd', { 'data-testid': testid }, formatCount(value)));
    const latestRow = (label, testid, value) => el('div', {},
      el('dt', {}, label), el('dd', { 'data-testid': testid }, value));

    const rows = history.map((c) => el('tr', { 'data-testid': `checkpoint-${c.id}`, class: c.id === this.#selected ? 'selected' : null },
      el('td', { class: 'num' }, el('button', { type: 'button', class: 'link', 'data-testid': `checkpoint-open-${c.id}`,
        'aria-pressed': String(c.id === this.#selected), onclick: () => this.select(c.id) }, String(c.id))),
      el('td', {}, el('span', { class: stateClass(c.status) }, c.status ?? '—')),
      el('td', {}, c.is_savepoint ? 'yes' : 'no'),
      el('td', {}, timeElement(c.trigger_timestamp)),
      el('td', { class: 'num' }, formatCount(c.end_to_end_duration)),
      el('td', { class: 'num', title: Number.isFinite(c.state_size) ? `${c.state_size} bytes` : null },
        formatBytes(c.state_size)),
      el('td', { 'data-testid': 'failure' }, c.failure_message ?? '')));

    const details = this.#details;
    redrawKeepingFocus(this.element, () => this.element.replaceChildren(
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
      el('h3', {}, 'Configuration'),
      renderConfig(this.#config),
      el('h3', {}, 'History ', el('small', {}, '(the newest; choose an ID for its details)')),
      table('checkpoints-history',
        ['ID', 'Status', 'Savepoint', 'Trigger time', 'Duration (ms)', 'Size', 'Failure'],
        el('tbody', {}, rows.length > 0 ? rows : emptyRow(7, 'No checkpoints yet.')),
        'Checkpoint history'),
      this.#selected === null ? null
        : !details ? el('p', { class: 'muted' }, `Loading checkpoint #${this.#selected}…`)
          : details.error ? el('p', { class: 'error' }, details.error)
            : renderDetails(details)));
  }
}
