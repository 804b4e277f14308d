// The job page's output and configuration: what print(), the print sinks and the engine wrote for the
// job (GET /jobs/{id}/stdout and /log, their last 256 Ki characters, read while their panel is
// open) and every option in effect (GET /jobs/{id}/config, read once).

import { describeError, api, getJson, jobPath } from './api.js';
import { el, emptyRow, table } from './dom.js';

// Enough to read what just happened without moving megabytes a second.
const TAIL_CHARACTERS = 256 * 1024;

function textPanel(summary, testid) {
  const text = el('pre', { class: 'output', 'data-testid': testid }, '');
  const details = el('details', { 'data-testid': `${testid}-panel` }, el('summary', {}, summary), text);
  return { details, text };
}

export class OutputSection {
  #jid;
  #stdout = textPanel('Stdout (what print() and the print sinks wrote)', 'job-stdout');
  #log = textPanel('Log (error output and the engine\'s messages)', 'job-log');
  #configBody = el('tbody', {}, emptyRow(2, 'Loading…'));
  #configLoaded = false;
  #ended = new Set(); // panels read once after the job ended: their text no longer changes

  constructor(jid) {
    this.#jid = jid;
    for (const panel of [this.#stdout, this.#log]) {
      panel.details.addEventListener('toggle', () => {
        if (panel.details.open) this.onOpen?.();
      });
    }
    this.output = el('div', {}, this.#stdout.details, this.#log.details);
    this.config = el('div', { 'data-testid': 'job-config' },
      table('job-config-table', ['Key', 'Value'], this.#configBody, 'Configuration in effect'));
  }

  async refresh(signal, ended) {
    await Promise.all([
      this.#readText(this.#stdout, 'stdout', signal, ended),
      this.#readText(this.#log, 'log', signal, ended),
      this.#readConfig(signal),
    ]);
  }

  async #readText(panel, resource, signal, ended) {
    if (!panel.details.open || this.#ended.has(resource)) return;
    const result = await api(`${jobPath(this.#jid)}/${resource}?tail=${TAIL_CHARACTERS}`, { signal });
    const text = result.ok ? (result.text || '(nothing yet)') : `Could not read it: HTTP ${result.status}`;
    if (panel.text.textContent !== text) {
      const atEnd = panel.text.scrollTop + panel.text.clientHeight >= panel.text.scrollHeight - 4;
      panel.text.textContent = text;
      if (atEnd) panel.text.scrollTop = panel.text.scrollHeight;
    }
    if (ended && result.ok) this.#ended.add(resource);
  }

  async #readConfig(signal) {
    if (this.#configLoaded) return;
    try {
      const config = await getJson(`${jobPath(this.#jid)}/config`, signal);
      const execution = config?.['execution-config'] ?? {};
      const entries = [
        ['execution-mode', execution['execution-mode']],
        ['restart-strategy', execution['restart-strategy']],
        ['job-parallelism', execution['job-parallelism']],
        ...Object.entries(execution['user-config'] ?? {}),
      ];
      this.#configBody.replaceChildren(...entries.map(([key, value]) => el('tr', { 'data-testid': `config-${key}` },
        el('th', { scope: 'row' }, el('code', {}, key)), el('td', { 'data-testid': 'value' }, String(value ?? '—')))));
      this.#configLoaded = true;
    } catch (error) {
      if (!signal.aborted) this.#configBody.replaceChildren(emptyRow(2, describeError(error)));
    }
  }
}
