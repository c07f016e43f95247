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
  }

  function table() {
    const body = clear(document.querySelector('#results-table tbody'));
    for (const r of rows.slice(page * PAGE, page * PAGE + PAGE)) {
      body.append(el('tr', {},
        el('td', { class: 'id' }, r.model), el('td', {}, r.quantization || '–'), el('td', {}, r.architecture || '–'),
        el('td', {}, r.params || '–'), el('td', { class: 'num' }, num(p50(r.decode_toks_per_s), 1)),
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
  $('r-prev').addEventListener('click', () => { page = Math.max(0, page - 1); table(); });
  $('r-next').addEventListener('click', () => { page += 1; table(); });
  LB.on('model_completed', () => load().catch(e => LB.alert(e.message)));
  // the reports are written after the run's last event: the controller is idle once they are
  LB.on('status', s => { if (s.status === 'idle' && s.finished_at) { downloads().catch(() => {}); } });

  Promise.all([quantOptions(), load(), downloads()]).then(() => LB.ready())
    .catch(e => { LB.alert('Could not load the results: ' + e.message); LB.ready(); });
})();
