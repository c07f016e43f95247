'use strict';
(() => {
  const { el, clear, num } = LB;
  const $ = id => document.getElementById(id);
  let models = [];
  const ticked = new Set();
  const MAX_LOG = 200;
  const MAX_POINTS = 2000;

  // ------------------------------------------------------------ model filters (the seed's: --quants, --arch, ...)
  function list(v) { return v.split(',').map(s => s.trim().toLowerCase()).filter(s => s); }
  function regex(v, id) {
    if (!v) { return null; }
    try { return new RegExp(v, 'i'); } catch (e) { showFieldError(id, 'not a regular expression'); return undefined; }
  }
  function filtersActive() {
    return ['m-include', 'm-exclude', 'm-quants', 'm-arch', 'm-params', 'm-min-context', 'm-max-size']
      .some(id => $(id).value.trim() !== '') || $('m-vision').checked || $('m-tools').checked;
  }
  function shown() {
    clearFieldError('include_models'); clearFieldError('exclude_models');
    const inc = regex($('m-include').value.trim(), 'include_models');
    const exc = regex($('m-exclude').value.trim(), 'exclude_models');
    if (inc === undefined || exc === undefined) { return []; }
    const quants = list($('m-quants').value), arch = list($('m-arch').value), params = list($('m-params').value);
    const minCtx = Number($('m-min-context').value || 0), maxGb = Number($('m-max-size').value || 0);
    return models.filter(m => (!inc || inc.test(m.id)) && (!exc || !exc.test(m.id))
      && (quants.length === 0 || quants.includes(String(m.quantization || '').toLowerCase()))
      && (arch.length === 0 || arch.includes(String(m.architecture || '').toLowerCase()))
      && (params.length === 0 || params.includes(String(m.params || '').toLowerCase()))
      && (!minCtx || (m.max_context_length || 0) >= minCtx)
      && (!maxGb || (m.size_bytes && m.size_bytes / 1e9 <= maxGb))
      && (!$('m-vision').checked || (m.capabilities || []).includes('vision'))
      && (!$('m-tools').checked || (m.capabilities || []).some(c => c === 'tool_use' || c === 'tools')));
  }
  function renderModels() {
    const box = clear($('model-list'));
    const visible = shown();
    for (const m of visible) {
      const cb = el('input', { type: 'checkbox', value: m.id, checked: ticked.has(m.id) });
      cb.addEventListener('change', () => { if (cb.checked) { ticked.add(m.id); } else { ticked.delete(m.id); } count(); });
      const meta = [m.quantization, m.architecture, m.params, m.size_bytes ? num(m.size_bytes / 1e9, 1) + ' GB' : null]
        .filter(x => x).join(' · ');
      box.append(el('label', { class: 'check' }, cb, el('span', {}, m.id, ' ', el('span', { class: 'muted' }, meta))));
    }
    if (models.length === 0) { box.append(el('p', { class: 'empty' }, 'No models discovered on the server.')); }
    count();
  }
  function chosen() {
    const visible = shown().map(m => m.id);
    const picked = visible.filter(id => ticked.has(id));
    if (picked.length > 0) { return picked; }
    return filtersActive() ? visible : null; // null: the server's own selection
  }
  function count() {
    const c = chosen();
    $('model-count').textContent = models.length + ' models discovered, ' + shown().length + ' shown; runs: '
      + (c === null ? 'every model' : c.length + (c.length === 1 ? ' model' : ' models'));
  }

  // ------------------------------------------------------------ the start body (docs/web-api.md)
  function body() {
    const b = {};
    const text = (name, id) => { const v = $(id).value.trim(); if (v) { b[name] = v; } };
    const int = (name, id) => { const v = $(id).value.trim(); if (v) { b[name] = Number(v); } };
    text('base_url', 'f-base_url'); text('backend', 'f-backend');
    if ($('f-sim').checked) { b.sim = true; }
    const c = chosen();
    if (c !== null) {
      b.models = c;
    } else {
      text('include_models', 'm-include'); text('exclude_models', 'm-exclude');
    }
    int('limit', 'f-limit'); text('preset', 'f-preset'); int('runs', 'f-runs'); int('warmup', 'f-warmup');
    int('max_tokens', 'f-max_tokens'); int('context', 'f-context'); int('parallel', 'f-parallel');
    text('prompt', 'f-prompt');
    if ($('f-retest').checked) { b.retest = true; }
    return b;
  }

  function clearFieldError(name) {
    const e = document.querySelector('[data-error-for="' + name + '"]');
    if (e) { e.textContent = ''; }
  }
  function showFieldError(name, message) {
    const e = document.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
    if (e) { e.textContent = message; }
    return !!e;
  }
  function clearErrors() {
    document.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
  }

  async function start(ev) {
    ev.preventDefault();
    clearErrors();
    if (chosen() !== null && chosen().length === 0) {
      showFieldError('models', 'no model matches the filters');
      return;
    }
    try {
      const r = await LB.post('/api/benchmark/start', body());
      resetLive();
      logLine(r.run_id ? 'started run ' + r.run_id : 'start accepted');
    } catch (e) {
      $('form-error').textContent = e.message;
      const unplaced = [];
      for (const [f, m] of Object.entries(e.fields || {})) { if (!showFieldError(f, m)) { unplaced.push(f + ': ' + m); } }
      if (unplaced.length) { $('form-error').textContent = e.message + ' (' + unplaced.join('; ') + ')'; }
    }
  }
  async function command(path) {
    try {
      const r = await LB.post(path);
      logLine(path.substring(path.lastIndexOf('/') + 1) + ': ' + r.status);
    } catch (e) { $('form-error').textContent = e.message; }
  }

  // ------------------------------------------------------------ live status, chart, log
  function buttons(state) {
    const active = ['starting', 'running', 'paused', 'stopping'].includes(state);
    $('btn-start').disabled = active;
    $('btn-pause').disabled = state !== 'running';
    $('btn-resume').disabled = state !== 'paused';
    $('btn-stop').disabled = !active || state === 'stopping';
  }
  function showStatus(s) {
    $('run-state').textContent = s.status;
    $('run-id').textContent = s.run_id || '–';
    $('run-model').textContent = s.model ? s.model + ' (' + s.model_position + '/' + s.model_count + ')' : '–';
    progress(s.progress);
    $('run-error').textContent = s.error || '';
    buttons(s.status);
  }
  function progress(p) {
    if (!p) { $('run-requests').textContent = '–'; $('run-elapsed').textContent = '–'; $('run-eta').textContent = '–'; return; }
    $('run-requests').textContent = p.completed + ' / ' + p.total;
    $('run-elapsed').textContent = LB.duration(p.elapsed_s);
    $('run-eta').textContent = p.eta_s === null ? 'estimating…' : LB.duration(p.eta_s);
    const bar = $('run-progress');
    bar.max = Math.max(1, p.total);
    bar.value = Math.min(p.completed, p.total);
  }
  function logLine(text) {
    const log = $('log');
    const t = new Date().toLocaleTimeString();
    log.append(el('li', {}, t + '  ' + text));
    while (log.children.length > MAX_LOG) { log.removeChild(log.firstChild); }
    log.scrollTop = log.scrollHeight;
  }

  let series = {};
  let n = 0;
  function resetLive() { series = {}; n = 0; drawLive(); }
  function drawLive() {
    const names = Object.keys(series);
    LB.chart('chart-live').setOption({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'item', formatter: p => LB.esc(p.seriesName) + '<br>request ' + p.value[0] + ': '
        + num(p.value[1], p.seriesIndex % 2 ? 3 : 1) + (p.seriesIndex % 2 ? ' s TTFT' : ' tok/s') },
      xAxis: { type: 'value', name: 'request', minInterval: 1 },
      yAxis: [{ type: 'value', name: 'tok/s', nameTextStyle: { align: 'left' } },
        { type: 'value', name: 'TTFT s', nameTextStyle: { align: 'right' }, splitLine: { show: false } }],
      series: names.flatMap(m => [
        { type: 'line', name: LB.short(m, 40), data: series[m].speed, showSymbol: true, symbolSize: 5 },
        { type: 'scatter', name: LB.short(m, 32) + ' TTFT', yAxisIndex: 1, data: series[m].ttft, symbolSize: 5 }])
    }, true);
  }
  let drawPending = false;
  function scheduleDraw() {
    if (drawPending) { return; }
    drawPending = true;
    setTimeout(() => { drawPending = false; drawLive(); }, 250); // at most 4 redraws a second
  }

  LB.on('status', s => { showStatus(s); });
  LB.on('resync', s => { showStatus(s); logLine('caught up (' + s.dropped + ' events skipped)'); });
  LB.on('run_started', d => { resetLive(); logLine('run ' + d.run_id + ' started: ' + d.models.length + ' models, '
    + d.total_requests + ' requests'); buttons('running'); $('run-state').textContent = 'running'; $('run-id').textContent = d.run_id; });
  LB.on('model_started', d => { $('run-model').textContent = d.model + ' (' + d.position + '/' + d.count + ')';
    logLine('model ' + d.position + '/' + d.count + ': ' + d.model); });
  LB.on('model_loading', d => logLine('loading ' + d.model));
  LB.on('model_loaded', d => logLine('loaded ' + d.model));
  LB.on('model_load_failed', d => logLine('load failed: ' + d.model + ': ' + d.error));
  LB.on('request_completed', d => {
    progress(d.progress);
    if (!d.warmup && d.success) {
      const s = series[d.model] = series[d.model] || { speed: [], ttft: [] };
      n += 1;
      if (d.decode_toks_per_s !== null) { s.speed.push([n, d.decode_toks_per_s]); }
      if (d.ttft_s !== null) { s.ttft.push([n, d.ttft_s]); }
      if (s.speed.length > MAX_POINTS) { s.speed.shift(); }
      if (s.ttft.length > MAX_POINTS) { s.ttft.shift(); }
      scheduleDraw();
    }
    if (!d.success) { logLine('request ' + d.idx + ' of ' + d.model + ' failed'); }
  });
  LB.on('model_completed', d => logLine(d.model + ': ' + d.status + ', ' + d.success_count + '/' + d.request_count
    + ' requests, ' + num(d.decode_toks_per_s_p50, 1) + ' tok/s p50'));
  LB.on('model_failed', d => logLine(d.model + ' failed: ' + d.error));
  LB.on('paused', () => { $('run-state').textContent = 'paused'; buttons('paused'); logLine('paused'); });
  LB.on('resumed', d => { $('run-state').textContent = 'running'; buttons('running');
    logLine('resumed after ' + num(d.paused_s, 1) + ' s'); });
  LB.on('cooling_down', d => logLine('cooling down before ' + d.model + ': ' + d.reason));
  LB.on('cooled_down', d => logLine('cooled down in ' + num(d.seconds, 1) + ' s' + (d.timed_out ? ' (timed out)' : '')));
  LB.on('run_completed', d => logLine('run ' + d.run_id + ' ' + d.status));
  LB.on('run_failed', d => logLine('run ' + d.run_id + ' ' + d.status + (d.error ? ': ' + d.error : '')));

  // the run's own output (what lmsbench run prints), polled while a benchmark is active and once when it ends
  let polling = null;
  async function output() {
    try {
      const r = await LB.get('/api/log');
      const pre = $('run-output');
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = r.lines.join('\n');
      if (atEnd) { pre.scrollTop = pre.scrollHeight; }
    } catch (e) { /* the next poll tries again */ }
  }
  LB.on('status', s => {
    const active = ['starting', 'running', 'paused', 'stopping'].includes(s.status);
    if (active && polling === null) { polling = setInterval(output, 2000); }
    if (!active && polling !== null) { clearInterval(polling); polling = null; }
    output();
  });
  LB.on('run_started', () => { if (polling === null) { polling = setInterval(output, 2000); } });

  $('run-form').addEventListener('submit', start);
  $('btn-pause').addEventListener('click', () => command('/api/benchmark/pause'));
  $('btn-resume').addEventListener('click', () => command('/api/benchmark/resume'));
  $('btn-stop').addEventListener('click', () => command('/api/benchmark/stop'));
  $('m-all').addEventListener('click', () => { shown().forEach(m => ticked.add(m.id)); renderModels(); });
  $('m-none').addEventListener('click', () => { ticked.clear(); renderModels(); });
  for (const id of ['m-include', 'm-exclude', 'm-quants', 'm-arch', 'm-params', 'm-min-context', 'm-max-size',
    'm-vision', 'm-tools']) {
    $(id).addEventListener('input', renderModels);
  }

  async function init() {
    buttons('idle');
    drawLive();
    const [m, p, s] = await Promise.all([LB.get('/api/models').catch(e => { LB.alert('Could not list models: ' + e.message); return { models: [] }; }),
      LB.get('/api/presets').catch(() => ({ presets: [] })), LB.get('/api/status')]);
    models = m.models;
    const sel = $('f-preset');
    for (const pr of p.presets) { sel.append(el('option', { value: pr.name }, pr.name)); }
    renderModels();
    showStatus(s);
  }
  init().then(() => LB.ready()).catch(e => { LB.alert('Could not load the page: ' + e.message); LB.ready(); });
})();
