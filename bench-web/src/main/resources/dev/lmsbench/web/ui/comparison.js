'use strict';
(() => {
  const { el, clear, num, p50 } = LB;
  const $ = id => document.getElementById(id);

  async function options() {
    const r = await LB.get('/api/results?limit=1000&sort=finished_at&order=desc');
    const models = [...new Set(r.results.map(x => x.model))].sort();
    const sel = $('c-models');
    for (const m of models) { sel.append(el('option', { value: m }, m)); }
    const runs = [];
    const seen = new Set();
    for (const x of r.results) {
      if (!seen.has(x.run_id)) { seen.add(x.run_id); runs.push({ id: x.run_id, at: x.run_started_at }); }
    }
    for (const id of ['c-baseline', 'c-current']) {
      const s = $(id);
      for (const run of runs) { s.append(el('option', { value: run.id }, run.id + ' (' + LB.when(run.at) + ')')); }
    }
    if (runs.length > 1) { $('c-baseline').value = runs[1].id; $('c-current').value = runs[0].id; }
    return models;
  }

  function selected() { return [...$('c-models').selectedOptions].map(o => o.value); }

  async function history(models) {
    const all = await Promise.all(models.map(m => LB.get('/api/comparison/' + encodeURIComponent(m))));
    const line = (h, f) => ({ type: 'line', name: LB.short(h.model, 40), showSymbol: true,
      data: h.history.filter(r => f(r) !== null).map(r => [r.finished_at, f(r)]) });
    const common = { grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }, legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis', formatter: ps => ps.map(p => LB.esc(p.seriesName) + ': ' + num(p.value[1], 3)).join('<br>') },
      xAxis: { type: 'time' } };
    LB.chart('chart-history').setOption(Object.assign({}, common, { yAxis: { type: 'value', name: 'decode tok/s', nameTextStyle: { align: 'left' } },
      series: all.map(h => line(h, r => p50(r.decode_toks_per_s))) }), true);
    LB.chart('chart-ttft').setOption(Object.assign({}, common, { yAxis: { type: 'value', name: 'TTFT s', nameTextStyle: { align: 'left' } },
      series: all.map(h => line(h, r => p50(r.ttft_s))) }), true);
    const body = clear(document.querySelector('#history-table tbody'));
    const first = all[0];
    $('detail-title').textContent = first ? 'Runs of ' + first.model : 'Runs of the model';
    for (const r of first ? first.history.slice().reverse() : []) {
      const d = r.decode_toks_per_s;
      body.append(el('tr', {}, el('td', {}, LB.when(r.finished_at)), el('td', { class: 'muted' }, r.run_id),
        el('td', { class: 'num' }, num(p50(d), 1)), el('td', { class: 'num' }, num(d && d.count ? d.p95 : null, 1)),
        el('td', { class: 'num' }, num(p50(r.ttft_s), 3)), el('td', { class: 'num' }, num(p50(r.prefill_toks_per_s), 0)),
        el('td', { class: 'num' }, num(r.vram_gb, 2)), el('td', {}, r.status),
        el('td', {}, r.success_count + '/' + r.request_count),
        el('td', { class: 'muted' }, 'ctx ' + (r.context_length || 'default') + ', par ' + r.parallel)));
    }
    $('c-empty').hidden = models.length > 0;
  }

  async function compareRuns() {
    $('runs-error').textContent = '';
    const q = new URLSearchParams({ baseline: $('c-baseline').value, current: $('c-current').value });
    const head = clear(document.querySelector('#runs-table thead'));
    const body = clear(document.querySelector('#runs-table tbody'));
    $('runs-title-line').textContent = '';
    try {
      const r = await LB.get('/api/compare?' + q);
      $('runs-title-line').textContent = r.title;
      head.append(el('tr', {}, ...r.header.map(h => el('th', {}, h))));
      const v = r.header.indexOf('Verdict');
      for (const row of r.rows) {
        body.append(el('tr', {}, ...row.map((c, i) => el('td', i === v
          ? { class: /worse|slower/i.test(c) ? 'verdict-worse' : /better|faster/i.test(c) ? 'verdict-better' : '' }
          : (i === 0 ? { class: 'id' } : {}), c))));
      }
    } catch (e) { $('runs-error').textContent = e.message; }
  }

  $('c-form').addEventListener('submit', ev => { ev.preventDefault(); history(selected()).catch(e => LB.alert(e.message)); });
  $('runs-form').addEventListener('submit', ev => { ev.preventDefault(); compareRuns(); });

  async function init() {
    const models = await options();
    // the quick-compare flow: /comparison?model=ID (Compare buttons on Home and Results) selects that model
    const wanted = new URLSearchParams(location.search).getAll('model').filter(m => models.includes(m));
    for (const o of $('c-models').options) { o.selected = wanted.includes(o.value); }
    await history(wanted);
    if ($('c-baseline').value && $('c-current').value && $('c-baseline').value !== $('c-current').value) {
      await compareRuns();
    }
  }
  init().then(() => LB.ready()).catch(e => { LB.alert('Could not load the comparison: ' + e.message); LB.ready(); });
})();
