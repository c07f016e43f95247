'use strict';
// The Load page: GET /api/load polled every few seconds (and at once when a model of a run in this dashboard
// completes); stages grouped by suite and workload, charts drawn as inline SVG from the JSON (every string in as
// text: SVG <text>/<title> through textContent), a table of every stage under them.
(() => {
  const { el, clear, num } = LB;
  const $ = id => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const POLL_MS = 3000;
  const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777',
    '#4b5563', '#65a30d'];
  let signature = null;

  const pct = (stat, name) => (stat && stat.percentiles && stat.percentiles[name] !== undefined
    ? stat.percentiles[name] : null);
  const median = stat => (stat && stat.count > 0 ? stat.median : null);
  const suiteOf = s => s.tags.suite || 'load tests';
  const workloadOf = s => s.tags.workload || s.workload.name;
  const baselineOf = s => s.tags.baseline || (s.endpoint + ' · ' + s.model);
  // the x of a stage: its planned rate (open loop) or its concurrency (closed loop); max throughput has none
  function axisOf(s) {
    if (s.pattern.open_loop) { return s.pattern.rate === null ? null : 'rate'; }
    return 'concurrency';
  }
  const xOf = s => (axisOf(s) === 'rate' ? s.pattern.rate : s.pattern.concurrency);

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) { if (v !== null && v !== undefined) { e.setAttribute(k, v); } }
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }

  function ticks(max) {
    if (!(max > 0)) { return [0, 1]; }
    const raw = max / 4;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= raw);
    const out = [];
    for (let v = 0; v <= max + step * 1e-9; v += step) { out.push(Math.round(v * 1e9) / 1e9); }
    if (out[out.length - 1] < max) { out.push(out[out.length - 1] + step); }
    return out;
  }
  const short = v => (Math.abs(v) >= 1e4 ? num(v / 1000, 0) + 'k' : String(Math.round(v * 100) / 100));

  // A line chart: series [{baseline, metric, color, dash, axis: 'left'|'right', points: [{x, y, title}]}]
  function chart(kind, axis, xName, left, right, series) {
    const W = 520, H = 300, L = 58, R = right ? 58 : 16, T = 14, B = 44;
    const pts = series.flatMap(s => s.points);
    const xs = pts.map(p => p.x);
    const xMax = Math.max(...xs, 0), xMin = Math.min(...xs, xMax);
    // from 0; a single offered load sits in the middle of the axis
    const xLo = 0;
    const xTicks = ticks(xMin === xMax ? 2 * xMax : xMax);
    const xHi = Math.max(xTicks[xTicks.length - 1], xMax);
    const yMax = side => Math.max(0, ...series.filter(s => s.axis === side).flatMap(s => s.points.map(p => p.y)));
    const yTicks = { left: ticks(yMax('left')), right: ticks(yMax('right')) };
    const X = x => L + (xHi === xLo ? 0.5 : (x - xLo) / (xHi - xLo)) * (W - L - R);
    const Y = (y, side) => { const t = yTicks[side]; return T + (1 - y / t[t.length - 1]) * (H - T - B); };
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'load-chart', role: 'img',
      'data-chart': kind, 'data-axis': axis, 'aria-label': left + (right ? ' and ' + right : '') + ' by ' + xName });
    const g = svg('g', { class: 'axes' });
    g.append(svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
    g.append(svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
    for (const v of xTicks) {
      g.append(svg('line', { x1: X(v), y1: H - B, x2: X(v), y2: H - B + 4, class: 'axis' }));
      g.append(svg('text', { x: X(v), y: H - B + 16, 'text-anchor': 'middle' }, short(v)));
    }
    for (const v of yTicks.left) {
      g.append(svg('line', { x1: L, y1: Y(v, 'left'), x2: W - R, y2: Y(v, 'left'), class: 'grid-line' }));
      g.append(svg('text', { x: L - 6, y: Y(v, 'left') + 4, 'text-anchor': 'end' }, short(v)));
    }
    if (right) {
      g.append(svg('line', { x1: W - R, y1: T, x2: W - R, y2: H - B, class: 'axis' }));
      for (const v of yTicks.right) {
        g.append(svg('text', { x: W - R + 6, y: Y(v, 'right') + 4, 'text-anchor': 'start' }, short(v)));
      }
    }
    g.append(svg('text', { x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-name',
      'data-axis-name': 'x' }, xName));
    g.append(svg('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', class: 'axis-name',
      transform: 'rotate(-90 14 ' + (T + H - B) / 2 + ')' }, left));
    if (right) {
      g.append(svg('text', { x: W - 10, y: (T + H - B) / 2, 'text-anchor': 'middle', class: 'axis-name',
        transform: 'rotate(90 ' + (W - 10) + ' ' + (T + H - B) / 2 + ')' }, right));
    }
    root.append(g);
    for (const s of series) {
      const line = svg('g', { class: 'series', 'data-baseline': s.baseline, 'data-metric': s.metric,
        'data-axis-side': s.axis });
      line.append(svg('polyline', { fill: 'none', stroke: s.color, 'stroke-width': 2,
        'stroke-dasharray': s.dash || null, points: s.points.map(p => X(p.x) + ',' + Y(p.y, s.axis)).join(' ') }));
      for (const p of s.points) {
        const c = svg('circle', { cx: X(p.x), cy: Y(p.y, s.axis), r: 3.5, fill: s.color, 'data-x': p.x,
          'data-y': p.y });
        c.append(svg('title', {}, p.title));
        line.append(c);
      }
      root.append(line);
    }
    return root;
  }

  // per baseline, the newest stage at each x, in x order
  function lines(stages, baselines) {
    const out = new Map();
    for (const b of baselines) { out.set(b, new Map()); }
    for (const s of stages) { out.get(baselineOf(s)).set(xOf(s), s); } // oldest first: the newest wins
    for (const [b, m] of out) { out.set(b, [...m.values()].sort((p, q) => xOf(p) - xOf(q))); }
    return out;
  }

  function series(byBaseline, colors, metrics) {
    const out = [];
    for (const [b, stages] of byBaseline) {
      for (const m of metrics) {
        const points = stages.filter(s => m.value(s) !== null && m.value(s) !== undefined)
          .map(s => ({ x: xOf(s), y: m.value(s), title: b + ' · ' + s.pattern.label + ': ' + m.name + ' '
            + num(m.value(s), m.digits) }));
        if (points.length > 0) {
          out.push({ baseline: b, metric: m.key, color: colors.get(b), dash: m.dash, axis: m.axis, points });
        }
      }
    }
    return out;
  }

  const LATENCY = [
    { key: 'ttft_p50', name: 'TTFT p50 ms', value: s => median(s.ttft_ms), digits: 1, axis: 'left', dash: '5 4' },
    { key: 'e2e_p50', name: 'E2E p50 ms', value: s => median(s.e2e_ms), digits: 1, axis: 'left' }];
  const THROUGHPUT = [
    { key: 'output_tok_s', name: 'output tok/s', value: s => s.output_throughput, digits: 1, axis: 'left' },
    { key: 'req_s', name: 'req/s', value: s => s.request_throughput, digits: 2, axis: 'right', dash: '5 4' }];

  function legend(colors, metrics) {
    const ul = el('ul', { class: 'legend' });
    for (const [b, c] of colors) {
      ul.append(el('li', { 'data-baseline': b }, el('span', { class: 'swatch', style: 'background:' + c }), b));
    }
    ul.append(el('li', { class: 'muted' }, metrics.map(m => m.name + (m.dash ? ' dashed' : ' solid')).join(', ')));
    return ul;
  }

  function group(key, suite, workload, stages, index) {
    const baselines = [...new Set(stages.map(baselineOf))];
    const colors = new Map(baselines.map((b, i) => [b, COLORS[i % COLORS.length]]));
    const title = 'load-group-title-' + index;
    const card = el('section', { class: 'card load-group', 'aria-labelledby': title,
      dataset: { suite, workload, stages: String(stages.length) } },
    el('h2', { id: title }, suite + ' · ' + workload));
    for (const axis of ['rate', 'concurrency']) {
      const on = stages.filter(s => axisOf(s) === axis);
      if (on.length === 0) { continue; }
      const xName = axis === 'rate' ? 'offered load (req/s)' : 'concurrency (requests in flight)';
      const byBaseline = lines(on, baselines.filter(b => on.some(s => baselineOf(s) === b)));
      const used = new Map([...colors].filter(([b]) => byBaseline.has(b)));
      card.append(el('div', { class: 'grid load-charts', dataset: { axis } },
        el('figure', { class: 'load-figure' },
          el('figcaption', {}, 'Latency vs ' + xName),
          chart('latency', axis, xName, 'ms', null, series(byBaseline, colors, LATENCY)), legend(used, LATENCY)),
        el('figure', { class: 'load-figure' },
          el('figcaption', {}, 'Throughput vs ' + xName),
          chart('throughput', axis, xName, 'output tok/s', 'req/s', series(byBaseline, colors, THROUGHPUT)),
          legend(used, THROUGHPUT))));
    }
    const unplotted = stages.filter(s => axisOf(s) === null).length;
    if (unplotted > 0) {
      card.append(el('p', { class: 'muted' }, unplotted + ' max-throughput stage' + (unplotted > 1 ? 's' : '')
        + ' (no offered load to plot): in the table.'));
    }
    card.append(el('div', { class: 'table-wrap' }, table(stages)));
    return card;
  }

  function table(stages) {
    const head = ['Baseline', 'Pattern', 'Completed/sent', 'req/s', 'out tok/s', 'TTFT p50 ms', 'TTFT p99 ms',
      'TPOT p50 ms', 'E2E p50 ms', 'Goodput req/s', 'Generator', 'Finished'];
    const t = el('table', { class: 'load-table' },
      el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { class: i >= 2 && i <= 9 ? 'num' : null }, h)))));
    const body = el('tbody');
    const sorted = [...stages].sort((a, b) => baselineOf(a).localeCompare(baselineOf(b))
      || String(axisOf(a)).localeCompare(String(axisOf(b))) || (xOf(a) || 0) - (xOf(b) || 0) || a.id - b.id);
    for (const s of sorted) {
      const warnings = s.generator.warnings;
      body.append(el('tr', { dataset: { id: String(s.id) } },
        el('td', { class: 'id' }, baselineOf(s)), el('td', { class: 'nowrap' }, s.pattern.label),
        el('td', { class: 'num' }, s.completed + '/' + s.sent),
        el('td', { class: 'num' }, num(s.request_throughput, 2)), el('td', { class: 'num' }, num(s.output_throughput, 1)),
        el('td', { class: 'num' }, num(median(s.ttft_ms), 1)), el('td', { class: 'num' }, num(pct(s.ttft_ms, 'p99'), 1)),
        el('td', { class: 'num' }, num(median(s.tpot_ms), 2)), el('td', { class: 'num' }, num(median(s.e2e_ms), 1)),
        el('td', { class: 'num' }, s.goodput ? num(s.goodput.requests_per_s, 2) : '–'),
        el('td', {}, warnings.length === 0 ? el('span', { class: 'muted' }, 'ok')
          : el('span', { class: 'gen-warning', title: warnings.join('\n'), tabindex: '0',
            'aria-label': 'generator warning: ' + warnings.join(' ') }, '⚠ ' + warnings.length)),
        el('td', {}, LB.when(s.finished_at))));
    }
    t.append(body);
    return t;
  }

  function render(r) {
    const box = clear($('load-groups'));
    const groups = new Map();
    for (const s of r.stages) {
      const k = suiteOf(s) + '\u0000' + workloadOf(s);
      if (!groups.has(k)) { groups.set(k, { suite: suiteOf(s), workload: workloadOf(s), stages: [] }); }
      groups.get(k).stages.push(s);
    }
    // the newest group first
    const ordered = [...groups.entries()].sort((a, b) => Math.max(...b[1].stages.map(s => s.id))
      - Math.max(...a[1].stages.map(s => s.id)));
    ordered.forEach(([k, g], i) => box.append(group(k, g.suite, g.workload, g.stages, i)));
    $('l-empty').hidden = r.stages.length > 0;
  }

  async function refresh() {
    const r = await LB.get('/api/load');
    const sig = r.total + ':' + r.stages.map(s => s.id).join(',');
    if (sig !== signature) {
      signature = sig;
      render(r);
    }
    $('l-count').textContent = r.total + ' stage' + (r.total === 1 ? '' : 's')
      + (r.truncated ? ' (the newest ' + r.stages.length + ' shown)' : '');
    $('l-updated').textContent = 'updated ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit',
      second: '2-digit', hour12: false });
    document.body.dataset.stages = String(r.stages.length);
    LB.alert('');
  }

  let timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => refresh().catch(e => LB.alert('Could not load the load tests: ' + e.message))
      .finally(schedule), POLL_MS);
  }
  // a stage of a run in this dashboard is stored when its model completes: fetch at once
  LB.on('model_completed', () => refresh().catch(() => {}));

  refresh().then(() => LB.ready())
    .catch(e => { LB.alert('Could not load the load tests: ' + e.message); LB.ready(); })
    .finally(schedule);
})();
