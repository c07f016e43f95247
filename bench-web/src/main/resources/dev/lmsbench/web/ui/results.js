'use strict';
(() => {
  const { el, clear, num, p50 } = LB;
  const $ = id => document.getElementById(id);
  const PAGE = 25;
  let rows = [];
  let total = 0;
  let page = 0;

  // One data source for the table and both charts: the filtered, sorted rows of /api/results.
  async function load() {
    const q = new URLSearchParams({ limit: '1000', sort: $('r-sort').value, order: $('r-order').value });
    if ($('r-model').value.trim()) { q.set('model', $('r-model').value.trim()); }
    if ($('r-quant').value) { q.set('quantization', $('r-quant').value); }
    if ($('r-status').value) { q.set('status', $('r-status').value); }
    const r = await LB.get('/api/results?' + q);
    rows = r.results;
    total = r.total;
    page = Math.min(page, Math.max(0, Math.ceil(rows.length / PAGE) - 1));
    $('r-summary').textContent = total + ' results' + (total > rows.length ? ' (the first ' + rows.length + ' shown)' : '');
    table();
    charts();
    sweeps();
  }

  // ------------------------------------------------------------ sweeps: per (run, model) with several jobs
  // The groups of rows of one run and one model that hold more than one (context size, parallelism).
  function sweepGroups() {
    const groups = new Map();
    for (const r of rows) {
      const k = r.run_id + '\u0000' + r.model;
      if (!groups.has(k)) { groups.set(k, { run: r.run_id, model: r.model, started: r.run_started_at, rows: [] }); }
      groups.get(k).rows.push(r);
    }
    return [...groups.values()].filter(g => new Set(g.rows.map(r => r.context_length + 'x' + r.parallel)).size > 1)
      .sort((a, b) => String(b.started).localeCompare(String(a.started)) || a.model.localeCompare(b.model));
  }
  const totalRate = r => (r.completion_toks_per_s_total === null || r.completion_toks_per_s_total === undefined
    ? null : r.completion_toks_per_s_total);
  const ttft = r => p50(r.ttft_s);
  // best settings (issue 14): the (ctx, par) of the highest total tok/s; the largest ctx whose TTFT p50 is within
  // the limit (no limit: every measured ctx), at its fastest par
  function best(group, limitS) {
    const measured = group.rows.filter(r => totalRate(r) !== null && r.success_count > 0);
    let top = null;
    for (const r of measured) { if (top === null || totalRate(r) > totalRate(top)) { top = r; } }
    let largest = null;
    for (const r of measured) {
      if (limitS !== null && (ttft(r) === null || ttft(r) > limitS)) { continue; }
      if (largest === null || r.context_length > largest.context_length
        || (r.context_length === largest.context_length && totalRate(r) > totalRate(largest))) { largest = r; }
    }
    return { top, largest };
  }
  function limit() {
    const v = $('best-ttft-ms').value.trim();
    return v && Number(v) > 0 ? Number(v) / 1000 : null;
  }
  let sweepCharts = [];
  function sweeps() {
    const groups = sweepGroups();
    $('sweeps-card').hidden = groups.length === 0;
    bestTable(groups);
    const box = $('sweeps');
    for (const id of sweepCharts) { if (LB.charts[id]) { LB.charts[id].dispose(); delete LB.charts[id]; } }
    sweepCharts = [];
    clear(box);
    groups.slice(0, 24).forEach((g, i) => {
      const id = 'chart-sweep-' + i;
      const title = 'sweep-title-' + i;
      box.append(el('section', { class: 'sweep', 'aria-labelledby': title },
        el('h3', { class: 'sub', id: title }, g.model + ' · run ' + g.run),
        el('div', { id, class: 'chart', role: 'img', 'aria-label': 'Heatmap of total tok/s by context size and '
          + 'parallelism of ' + g.model })));
      sweepCharts.push(id);
      heatmap(id, g);
    });
  }
  function heatmap(id, g) {
    const pars = [...new Set(g.rows.map(r => r.parallel))].sort((a, b) => a - b);
    const ctxs = [...new Set(g.rows.map(r => r.context_length))].sort((a, b) => a - b);
    let max = 0;
    const data = g.rows.map(r => {
      const v = totalRate(r);
      if (v !== null) { max = Math.max(max, v); }
      return { value: [pars.indexOf(r.parallel), ctxs.indexOf(r.context_length), v === null ? '-' : Math.round(v * 10) / 10],
        ttft: ttft(r), status: r.status, ok: r.success_count + '/' + r.request_count };
    });
    LB.chart(id).setOption({
      grid: { left: 8, right: 8, top: 28, bottom: 56, containLabel: true },
      tooltip: { formatter: p => 'ctx ' + LB.esc(ctxs[p.value[1]]) + ' · par ' + LB.esc(pars[p.value[0]]) + '<br>'
        + num(p.value[2] === '-' ? null : p.value[2], 1) + ' tok/s total<br>TTFT p50 '
        + num(p.data.ttft, 3) + ' s<br>' + LB.esc(p.data.ok) + ' requests, ' + LB.esc(p.data.status) },
      xAxis: { type: 'category', name: 'par', data: pars.map(String), splitArea: { show: true } },
      yAxis: { type: 'category', name: 'ctx', data: ctxs.map(c => (c === 0 ? 'default' : String(c))), splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(1, max), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
      series: [{ type: 'heatmap', name: 'total tok/s', data, label: { show: true } }]
    }, true);
  }
  function bestTable(groups) {
    const body = clear(document.querySelector('#best-table tbody'));
    const lim = limit();
    for (const g of groups) {
      const b = best(g, lim);
      const t = b.top, l = b.largest;
      body.append(el('tr', {},
        el('td', { class: 'id' }, g.model), el('td', { class: 'muted' }, g.run),
        el('td', { class: 'num best-ctx' }, t ? String(t.context_length) : '–'),
        el('td', { class: 'num best-par' }, t ? String(t.parallel) : '–'),
        el('td', { class: 'num' }, num(t ? totalRate(t) : null, 1)), el('td', { class: 'num' }, num(t ? ttft(t) : null, 3)),
        el('td', { class: 'num largest-ctx' }, l ? String(l.context_length) : (lim === null ? '–' : 'none within the limit')),
        el('td', { class: 'num' }, l ? String(l.parallel) : '–'), el('td', { class: 'num' }, num(l ? totalRate(l) : null, 1)),
        el('td', { class: 'num' }, num(l ? ttft(l) : null, 3))));
    }
  }

  function table() {
    const body = clear(document.querySelector('#results-table tbody'));
    for (const r of rows.slice(page * PAGE, page * PAGE + PAGE)) {
      body.append(el('tr', {},
        el('td', { class: 'id' }, r.model), el('td', {}, r.quantization || '–'), el('td', {}, r.architecture || '–'),
        el('td', {}, r.params || '–'),
        el('td', { class: 'num' }, r.context_length ? String(r.context_length) : 'default'),
        el('td', { class: 'num' }, String(r.parallel)), el('td', { class: 'num' }, num(p50(r.decode_toks_per_s), 1)),
        el('td', { class: 'num' }, num(p50(r.ttft_s), 3)), el('td', { class: 'num' }, num(p50(r.prefill_toks_per_s), 0)),
        el('td', { class: 'num' }, num(r.vram_gb, 2)), el('td', {}, r.status),
        el('td', {}, r.success_count + '/' + r.request_count), el('td', {}, LB.when(r.finished_at)),
        el('td', { class: 'muted' }, r.run_id), el('td', {}, LB.compareLink(r.model))));
    }
    $('r-empty').hidden = rows.length > 0;
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    $('r-page').textContent = 'page ' + (page + 1) + ' of ' + pages;
    $('r-prev').disabled = page === 0;
    $('r-next').disabled = page >= pages - 1;
  }

  function charts() {
    const done = rows.filter(r => p50(r.decode_toks_per_s) !== null);
    const vram = done.filter(r => r.vram_gb !== null);
    const bySize = done.filter(r => r.vram_gb === null && r.size_bytes);
    const point = (r, gb) => ({ name: r.model, value: [gb, p50(r.decode_toks_per_s)] });
    LB.chart('chart-scatter').setOption({
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'item', formatter: p => LB.esc(p.name) + '<br>' + num(p.value[1], 1) + ' tok/s at '
        + num(p.value[0], 2) + ' GB' },
      xAxis: { type: 'value', name: 'GB', scale: true },
      yAxis: { type: 'value', name: 'tok/s', nameTextStyle: { align: 'left' } },
      series: [
        { type: 'scatter', name: 'VRAM (measured)', data: vram.map(r => point(r, r.vram_gb)), symbolSize: 10 },
        { type: 'scatter', name: 'model file size', data: bySize.map(r => point(r, r.size_bytes / 1e9)), symbolSize: 10 }]
    }, true);

    // rows: the model without its @quantization suffix; columns: quantizations; cell: mean decode p50
    const base = r => String(r.model).replace(/@[^@/]*$/, '');
    const models = [...new Set(done.map(base))].sort();
    const quants = [...new Set(done.map(r => r.quantization || 'unknown'))].sort();
    const cells = new Map();
    for (const r of done) {
      const k = base(r) + '\u0000' + (r.quantization || 'unknown');
      const c = cells.get(k) || { sum: 0, n: 0 };
      c.sum += p50(r.decode_toks_per_s); c.n += 1;
      cells.set(k, c);
    }
    const data = [];
    let max = 0;
    cells.forEach((c, k) => {
      const [m, q] = k.split('\u0000');
      const v = c.sum / c.n;
      max = Math.max(max, v);
      data.push([quants.indexOf(q), models.indexOf(m), Math.round(v * 10) / 10]);
    });
    LB.chart('chart-heatmap').setOption({
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      tooltip: { formatter: p => LB.esc(models[p.value[1]]) + ' · ' + LB.esc(quants[p.value[0]]) + '<br>'
        + num(p.value[2], 1) + ' tok/s' },
      xAxis: { type: 'category', data: quants, splitArea: { show: true } },
      yAxis: { type: 'category', data: models, axisLabel: { formatter: v => LB.short(v, 26) } },
      visualMap: { min: 0, max: Math.max(1, max), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
      series: [{ type: 'heatmap', name: 'decode tok/s', data, label: { show: true } }]
    }, true);
  }

  async function downloads() {
    const r = await LB.get('/api/reports');
    const ul = clear($('downloads'));
    for (const d of r.reports) {
      const li = el('li', {}, el('strong', {}, d.dir || 'output directory'), ' ');
      for (const f of d.files) {
        li.append(el('a', { href: '/api/files/' + f.path.split('/').map(encodeURIComponent).join('/'), download: f.name,
          title: num(f.bytes / 1024, 1) + ' KiB, ' + LB.when(f.modified) }, f.name));
      }
      ul.append(li);
    }
    $('dl-empty').hidden = r.reports.length > 0;
  }

  async function quantOptions() {
    const s = await LB.get('/api/dashboard/stats');
    const sel = $('r-quant');
    for (const q of s.quantization_distribution) {
      if (q.quantization !== 'unknown') { sel.append(el('option', { value: q.quantization }, q.quantization)); }
    }
  }

  $('filters').addEventListener('submit', ev => { ev.preventDefault(); page = 0; load().catch(e => LB.alert(e.message)); });
  $('best-form').addEventListener('submit', ev => { ev.preventDefault(); bestTable(sweepGroups()); });
  $('best-ttft-ms').addEventListener('input', () => bestTable(sweepGroups()));
  $('r-prev').addEventListener('click', () => { page = Math.max(0, page - 1); table(); });
  $('r-next').addEventListener('click', () => { page += 1; table(); });
  LB.on('model_completed', () => load().catch(e => LB.alert(e.message)));
  // the reports are written after the run's last event: the controller is idle once they are
  LB.on('status', s => { if (s.status === 'idle' && s.finished_at) { downloads().catch(() => {}); } });

  Promise.all([quantOptions(), load(), downloads()]).then(() => LB.ready())
    .catch(e => { LB.alert('Could not load the results: ' + e.message); LB.ready(); });
})();
