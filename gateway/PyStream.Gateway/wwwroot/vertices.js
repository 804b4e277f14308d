// The job page's operator table: a row per vertex (operator chain), and on request a row per
// subtask with its own records, time shares, watermark and state size (GET /jobs/{id}/vertices/{vid}),
// and for a job on a cluster the worker that runs it (Flink's taskmanager-id and host).

import { describeError, getJson, jobPath } from './api.js';
import { el, emptyRow, formatBytes, formatCount, formatPercent, isoTime, redrawKeepingFocus, table } from './dom.js';
import { vertexRow } from './graph.js';

const COLUMNS = ['Operator', 'Parallelism', 'Status', 'Records in', 'Records out', 'Busy', 'Backpressured', 'Watermark'];

function subtaskTable(vertex, details) {
  if (!details) return el('p', { class: 'muted' }, 'Loading the subtasks…');
  if (details.error) return el('p', { class: 'error' }, details.error);
  const cell = (testid, text, raw) => el('td', { class: 'num', 'data-testid': testid, 'data-value': raw ?? '' }, text);
  const subtasks = details.subtasks ?? [];
  const placed = subtasks.some((s) => s['taskmanager-id']);
  return table(`subtasks-${vertex.id}`,
    ['Subtask', ...(placed ? ['Worker', 'Host'] : []), 'Records in', 'Records out', 'Busy', 'Idle', 'Backpressured', 'Watermark', 'State size'],
    el('tbody', {}, subtasks.map((s) => el('tr', { 'data-testid': `subtask-row-${vertex.id}-${s.subtask}` },
      el('th', { scope: 'row' }, `${s.subtask + 1}/${vertex.parallelism}`),
      placed ? [
        el('td', { 'data-testid': 'subtask-worker' }, s['taskmanager-id'] ? el('a', { href: '#/workers' }, s['taskmanager-id']) : '—'),
        el('td', { 'data-testid': 'subtask-host' }, s.host ?? '—'),
      ] : null,
      cell('records-in', formatCount(s.metrics?.['read-records']), s.metrics?.['read-records']),
      cell('records-out', formatCount(s.metrics?.['write-records']), s.metrics?.['write-records']),
      cell('busy', formatPercent(s['busy-ratio']), s['busy-ratio']),
      cell('idle', formatPercent(s['idle-ratio']), s['idle-ratio']),
      cell('backpressured', formatPercent(s['backpressured-ratio']), s['backpressured-ratio']),
      cell('watermark', isoTime(s.watermark) ?? '—', s.watermark),
      cell('state-size', formatBytes(s['state-size']), s['state-size'])))),
    `Subtasks of ${vertex.name}`);
}

export class VerticesTable {
  #jid;
  #vertices = [];
  #expanded = new Set();
  #details = new Map();

  constructor(jid) {
    this.#jid = jid;
    this.body = el('tbody', {}, emptyRow(COLUMNS.length, 'Loading…'));
    this.element = table('vertices-table', COLUMNS, this.body, 'Operators');
  }

  // Reads the subtasks of the vertices whose rows are open, then draws the table.
  async update(vertices, signal) {
    this.#vertices = vertices;
    await Promise.all([...this.#expanded].map(async (id) => {
      try {
        this.#details.set(id, await getJson(`${jobPath(this.#jid)}/vertices/${id}`, signal));
      } catch (error) {
        if (!signal.aborted) this.#details.set(id, { error: describeError(error) });
      }
    }));
    this.render();
  }

  toggle(id) {
    if (this.#expanded.has(id)) this.#expanded.delete(id);
    else this.#expanded.add(id);
    this.render();
  }

  render() {
    const vertices = this.#vertices;
    if (vertices.length === 0) {
      this.body.replaceChildren(emptyRow(COLUMNS.length, 'No operators.'));
      return;
    }
    redrawKeepingFocus(this.body, () => this.body.replaceChildren(...vertices.flatMap((vertex) => {
      const open = this.#expanded.has(vertex.id);
      const row = vertexRow(vertex);
      const name = row.querySelector('th');
      name.prepend(el('button', {
        type: 'button', class: 'toggle', 'data-testid': `subtasks-toggle-${vertex.id}`, 'aria-expanded': String(open),
        'aria-label': `${open ? 'Hide' : 'Show'} the subtasks of ${vertex.name}`, onclick: () => this.toggle(vertex.id),
      }, open ? '▾' : '▸'), ' ');
      if (!open) return [row];
      return [row, el('tr', { class: 'subtasks' },
        el('td', { colspan: COLUMNS.length }, subtaskTable(vertex, this.#details.get(vertex.id))))];
    })));
  }
}
