// The operator graph: boxes in columns by depth (longest path from a source), arrows left to right,
// and the table row that repeats a vertex's numbers.

import { el, formatCount, formatPercent, isoTime, svgEl } from './dom.js';

const BOX = { width: 256, height: 116, columnGap: 120, rowGap: 28, padding: 16 };

function layoutGraph(vertices, edges) {
  const ids = vertices.map((v) => v.id);
  const inputs = new Map(ids.map((id) => [id, []]));
  const outputs = new Map(ids.map((id) => [id, []]));
  for (const edge of edges) {
    if (inputs.has(edge.source) && inputs.has(edge.target)) {
      inputs.get(edge.target).push(edge.source);
      outputs.get(edge.source).push(edge.target);
    }
  }

  // Kahn's order; a vertex on a cycle keeps the depth reached before the cycle.
  const depth = new Map(ids.map((id) => [id, 0]));
  const pending = new Map(ids.map((id) => [id, inputs.get(id).length]));
  const queue = ids.filter((id) => pending.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const next of outputs.get(id)) {
      depth.set(next, Math.max(depth.get(next), depth.get(id) + 1));
      pending.set(next, pending.get(next) - 1);
      if (pending.get(next) === 0) queue.push(next);
    }
  }

  const columnCount = Math.max(0, ...depth.values()) + 1;
  const columns = Array.from({ length: columnCount }, () => []);
  for (const id of ids) columns[depth.get(id)].push(id);

  // Order each column by the mean row of its inputs, which keeps arrows short and uncrossed.
  const row = new Map();
  columns.forEach((column, index) => {
    if (index > 0) {
      const key = (id) => {
        const rows = inputs.get(id).map((source) => row.get(source)).filter(Number.isFinite);
        return rows.length > 0 ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.MAX_VALUE;
      };
      column.sort((a, b) => key(a) - key(b));
    }
    column.forEach((id, r) => row.set(id, r));
  });

  const maxRows = Math.max(1, ...columns.map((c) => c.length));
  const step = BOX.height + BOX.rowGap;
  const positions = new Map();
  columns.forEach((column, index) => {
    const offset = ((maxRows - column.length) * step) / 2;
    column.forEach((id, r) => positions.set(id, {
      x: BOX.padding + index * (BOX.width + BOX.columnGap),
      y: BOX.padding + offset + r * step,
    }));
  });

  return {
    positions,
    width: BOX.padding * 2 + columnCount * BOX.width + (columnCount - 1) * BOX.columnGap,
    height: BOX.padding * 2 + maxRows * BOX.height + (maxRows - 1) * BOX.rowGap,
  };
}

function truncate(text, length) {
  const value = String(text ?? '');
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}

// The numbers shown for a vertex, in the graph box and in the table row alike.
function vertexValues(vertex) {
  const watermark = isoTime(vertex.watermark);
  return {
    parallelism: { text: formatCount(vertex.parallelism), raw: vertex.parallelism },
    status: { text: vertex.status ?? '—', raw: vertex.status },
    'records-in': { text: formatCount(vertex.metrics?.['read-records']), raw: vertex.metrics?.['read-records'] },
    'records-out': { text: formatCount(vertex.metrics?.['write-records']), raw: vertex.metrics?.['write-records'] },
    busy: { text: formatPercent(vertex['busy-ratio']), raw: vertex['busy-ratio'] },
    backpressured: { text: formatPercent(vertex['backpressured-ratio']), raw: vertex['backpressured-ratio'] },
    watermark: { text: watermark ?? '—', raw: vertex.watermark },
  };
}

function setValue(node, value) {
  if (node.textContent !== value.text) node.textContent = value.text;
  const raw = value.raw === null || value.raw === undefined ? '' : String(value.raw);
  if (node.getAttribute('data-value') !== raw) node.setAttribute('data-value', raw);
}

export class OperatorGraph {
  constructor() {
    this.svg = svgEl('svg', {
      class: 'graph', 'data-testid': 'graph', role: 'img', 'aria-describedby': 'vertices-caption',
      'aria-label': 'Operator graph', width: 0, height: 0,
    });
    this.shape = null;
    this.boxes = new Map();
  }

  update(vertices, edges) {
    const shape = JSON.stringify([
      vertices.map((v) => [v.id, v.name, v.parallelism]),
      edges.map((e) => [e.source, e.target, e.ship_strategy]),
    ]);
    if (shape !== this.shape) {
      this.shape = shape;
      this.#draw(vertices, edges);
    }
    for (const vertex of vertices) this.boxes.get(vertex.id)?.update(vertex);
  }

  #draw(vertices, edges) {
    this.boxes.clear();
    if (vertices.length === 0) {
      this.svg.replaceChildren();
      this.svg.setAttribute('width', 0);
      this.svg.setAttribute('height', 0);
      return;
    }
    const layout = layoutGraph(vertices, edges);
    this.svg.setAttribute('width', layout.width);
    this.svg.setAttribute('height', layout.height);
    this.svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    this.svg.setAttribute('aria-label', `Operator graph: ${vertices.length} operators, ${edges.length} connections`);

    const arrowHead = svgEl('marker', {
      id: 'arrow-head', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8,
      orient: 'auto-start-reverse', class: 'arrow-head',
    }, svgEl('path', { d: 'M0,0 L10,5 L0,10 z' }));

    const arrows = edges
      .filter((e) => layout.positions.has(e.source) && layout.positions.has(e.target))
      .map((e) => this.#arrow(layout.positions.get(e.source), layout.positions.get(e.target), e.ship_strategy));

    const boxes = vertices.map((vertex) => {
      const box = vertexBox(vertex, layout.positions.get(vertex.id));
      this.boxes.set(vertex.id, box);
      return box.element;
    });

    this.svg.replaceChildren(svgEl('defs', {}, arrowHead), ...arrows, ...boxes);
  }

  #arrow(from, to, label) {
    const x1 = from.x + BOX.width;
    const y1 = from.y + BOX.height / 2;
    const x2 = to.x;
    const y2 = to.y + BOX.height / 2;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    return svgEl('g', { class: 'edge', 'data-testid': 'edge' },
      svgEl('path', {
        d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
        'marker-end': 'url(#arrow-head)',
      }),
      svgEl('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle', class: 'edge-label' },
        label ?? ''));
  }
}

function vertexBox(vertex, { x, y }) {
  const fields = {};
  const field = (testid) => (fields[testid] = svgEl('tspan', { class: 'value', 'data-testid': testid }));
  const line = (dy, ...parts) => svgEl('text', { x: x + 12, y: y + dy, class: 'box-line' }, ...parts);
  const frame = svgEl('rect', { x, y, width: BOX.width, height: BOX.height, rx: 6, class: 'box' });
  const busyBar = svgEl('rect', { x, y: y + BOX.height - 5, width: 0, height: 5, class: 'busy-bar' });

  const element = svgEl('g', { class: 'vertex', 'data-testid': `vertex-${vertex.id}` },
    svgEl('title', {}, vertex.name ?? vertex.id),
    frame,
    svgEl('text', { x: x + 12, y: y + 22, class: 'box-name' }, truncate(vertex.name ?? vertex.id, 32)),
    line(43, 'parallelism ', field('parallelism'), ' · ', field('status')),
    line(62, 'in ', field('records-in'), ' · out ', field('records-out')),
    line(81, 'busy ', field('busy'), ' · backpressured ', field('backpressured')),
    line(100, 'watermark ', field('watermark')),
    busyBar);

  return {
    element,
    update(current) {
      const values = vertexValues(current);
      for (const [testid, node] of Object.entries(fields)) setValue(node, values[testid]);
      const busy = Number.isFinite(current['busy-ratio']) ? Math.min(1, Math.max(0, current['busy-ratio'])) : 0;
      busyBar.setAttribute('width', (busy * BOX.width).toFixed(1));
      frame.classList.toggle('is-busy', busy > 0.5);
      frame.classList.toggle('is-backpressured', current['backpressured-ratio'] > 0.5);
    },
  };
}

export function vertexRow(vertex) {
  const values = vertexValues(vertex);
  const cell = (testid, numeric = true) => {
    const td = el('td', { class: numeric ? 'num' : null, 'data-testid': testid });
    setValue(td, values[testid]);
    return td;
  };
  return el('tr', { 'data-testid': `vertex-row-${vertex.id}` },
    el('th', { scope: 'row', class: 'wrap-name', title: vertex.name ?? null }, vertex.name ?? vertex.id),
    cell('parallelism'),
    cell('status', false),
    cell('records-in'),
    cell('records-out'),
    cell('busy'),
    cell('backpressured'),
    cell('watermark', false));
}
