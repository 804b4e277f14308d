// DOM building and formatting shared by the pages. Server text only ever becomes text nodes and
// attribute values here, never parsed HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

export function el(tag, attrs = {}, ...children) {
  return assemble(document.createElement(tag), attrs, children);
}

export function svgEl(tag, attrs = {}, ...children) {
  return assemble(document.createElementNS(SVG_NS, tag), attrs, children);
}

function assemble(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(value) {
  return Number.isFinite(value) ? countFormat.format(value) : '—';
}

export function formatPercent(ratio) {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '—';
}

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) return `${hours}h ${minutes}m ${seconds % 60}s`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

// ISO-8601 in UTC, or null for a missing or out-of-range instant.
export function isoTime(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function localTime(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// A <time> in local time for an epoch-ms instant; the gateway uses -1 (or 0) for "not yet".
export function timeElement(ms) {
  const iso = isoTime(ms);
  if (iso === null || ms <= 0) return '—';
  return el('time', { datetime: iso, title: iso }, localTime(new Date(ms)));
}

export function stateClass(state) {
  return `state state-${String(state ?? 'unknown').toLowerCase().replace(/[^a-z]/g, '')}`;
}

export function stateBadge(state, testid) {
  return el('span', { class: stateClass(state), 'data-testid': testid }, state ?? '—');
}

export function jobHref(jid) {
  return `#/jobs/${encodeURIComponent(jid)}`;
}

export function changeTracker() {
  const last = new Map();
  return (key, data) => {
    const json = JSON.stringify(data);
    if (last.get(key) === json) return false;
    last.set(key, json);
    return true;
  };
}

export function errorBanner() {
  const banner = el('p', { class: 'banner error', role: 'alert', 'data-testid': 'load-error', hidden: true });
  return {
    element: banner,
    show(message) {
      banner.textContent = message;
      banner.hidden = false;
    },
    clear() {
      banner.hidden = true;
      banner.textContent = '';
    },
  };
}

export function table(testid, headers, tbody, caption) {
  return el('div', { class: 'table-scroll' },
    el('table', { 'data-testid': testid },
      caption ? el('caption', { class: 'visually-hidden' }, caption) : null,
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      tbody));
}

export function emptyRow(columns, text) {
  return el('tr', {}, el('td', { colspan: columns, class: 'muted' }, text));
}

// Redraws `container` with `draw()`, keeping keyboard focus on the control with the same
// data-testid, so a table redrawn every second does not lose the button the user is on.
export function redrawKeepingFocus(container, draw) {
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset?.testid : null;
  draw();
  if (focused) container.querySelector(`[data-testid="${CSS.escape(focused)}"]`)?.focus();
}
