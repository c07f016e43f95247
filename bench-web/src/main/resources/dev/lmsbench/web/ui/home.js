'use strict';
(() => {
  const { el, clear, num } = LB;

  async function load() {
    const s = await LB.get('/api/dashboard/stats');
    const sp = s.speed_summary || {};
    document.getElementById('kpi-models').textContent = String(s.model_count);
    document.getElementById('kpi-avg').textContent = num(sp.count ? sp.avg : null, 1);
    document.getElementById('kpi-p50').textContent = num(sp.count ? sp.p50 : null, 1);
    document.getElementById('kpi-p95').textContent = num(sp.count ? sp.p95 : null, 1);
    document.getElementById('kpi-arch').textContent = String(s.architecture_distribution.length);
    document.getElementById('kpi-quant').textContent = String(s.quantization_distribution.length);

    const top = s.top_models_extended;
    const bars = top.slice().reverse(); // the fastest on top
    LB.chart('chart-top').setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: p => LB.esc(p.name) + '<br>' + num(p.value, 1) + ' tok/s' },
      xAxis: { type: 'value', name: 'tok/s' },
      yAxis: { type: 'category', data: bars.map(m => m.model),
        axisLabel: { formatter: v => LB.short(v, 28) } },
      series: [{ type: 'bar', name: 'decode tok/s', data: bars.map(m => m.decode_toks_per_s),
        label: { show: true, position: 'right', formatter: p => num(p.value, 1) } }]
    }, true);
    LB.chart('chart-quant').setOption({
      tooltip: { trigger: 'item', formatter: p => LB.esc(p.name) + ': ' + p.value + ' (' + p.percent + '%)' },
      legend: { bottom: 0, type: 'scroll' },
      series: [{ type: 'pie', name: 'quantization', radius: ['42%', '70%'], center: ['50%', '45%'],
        data: s.quantization_distribution.map(q => ({ name: q.quantization, value: q.count })),
        label: { formatter: p => LB.short(p.name, 16) } }]
    }, true);

    const body = clear(document.querySelector('#top-table tbody'));
    top.forEach((m, i) => body.append(el('tr', {},
      el('td', { class: 'num' }, i + 1), el('td', { class: 'id' }, m.model), el('td', {}, m.quantization || '–'),
      el('td', {}, m.architecture || '–'), el('td', { class: 'num' }, num(m.decode_toks_per_s, 1)),
      el('td', { class: 'num' }, num(m.ttft_s, 3)), el('td', { class: 'num' }, num(m.vram_gb, 2)),
      el('td', {}, LB.compareLink(m.model)))));
    document.getElementById('top-empty').hidden = top.length > 0;

    const eff = clear(document.querySelector('#eff-table tbody'));
    for (const m of s.efficiency_top) {
      eff.append(el('tr', {}, el('td', { class: 'id' }, m.model), el('td', { class: 'num' }, num(m.toks_per_s_per_gb, 2)),
        el('td', {}, m.basis === 'vram' ? 'VRAM' : 'file size'), el('td', { class: 'num' }, num(m.decode_toks_per_s, 1))));
    }
  }

  let loading = null;
  function refresh() {
    loading = load().then(() => { LB.alert(''); LB.ready(); })
      .catch(e => { LB.alert('Could not load the overview: ' + e.message); LB.ready(); });
    return loading;
  }
  // a finished run changes the figures
  LB.on('model_completed', () => refresh());
  refresh();
})();
