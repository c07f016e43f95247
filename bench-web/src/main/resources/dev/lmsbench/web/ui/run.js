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
  function sweeping() { return $('f-sweep').checked; }
  // "1024, 4096" -> [1024, 4096]; anything else than whole numbers stays as text for the server to reject
  function numbers(v) {
    return v.split(/[\s,]+/).filter(s => s).map(s => (/^\d+$/.test(s) ? Number(s) : s));
  }
  function showSweep() {
    const on = sweeping();
    $('sweep-fields').hidden = !on;
    document.querySelectorAll('.no-sweep').forEach(e => { e.hidden = on; });
  }
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
    int('max_tokens', 'f-max_tokens');
    if (sweeping()) {
      b.sweep = true;
      const ctx = numbers($('f-ctx-list').value), par = numbers($('f-par').value);
      if (ctx.length) { b.context = ctx; }
      if (par.length) { b.par = par; }
      int('sweep_count', 'f-sweep_count'); int('target_prompt_tokens', 'f-target_prompt_tokens');
      int('prompt_fill', 'f-prompt_fill'); int('max_ttft_ms', 'f-max_ttft_ms');
    } else {
      int('context', 'f-context'); int('parallel', 'f-parallel');
    }
    text('prompt', 'f-prompt');
    if ($('f-retest').checked) { b.retest = true; }
    return b;
  }

  function clearFieldError(name) {
    const e = document.querySelector('[data-error-for="' + name + '"]');
    if (e) { e.textContent = ''; }
  }
  function showFieldError(name, message) {
    const all = [...document.querySelectorAll('[data-error-for="' + CSS.escape(name) + '"]')];
    const e = all.find(x => x.offsetParent !== null) || all[0]; // the shown one (context: the sweep's or the run's)
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
      // the chart and the jobs are reset by run_started, which may come before this answer
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

  // ------------------------------------------------------------ the jobs table (seed 004's live columns)
  const jobs = new Map(); // key model\0ctx\0par -> job state
  let jobOrder = [];
  let current = null;
  let callsPerRequest = 1;
  const key = (m, c, p) => m + '\u0000' + c + '\u0000' + p;
  function job(d) {
    const k = key(d.model, d.ctx, d.par);
    let j = jobs.get(k);
    if (!j) { // a page opened mid-run learns the jobs as they start
      j = newJob({ model: d.model, ctx: d.ctx, par: d.par, requests: null, warmup: null });
      jobs.set(k, j); jobOrder.push(k);
    }
    return j;
  }
  function newJob(spec) {
    return { spec, state: 'queued', done: 0, warmupDone: 0, errors: new Set(), startedAt: null, endedAt: null,
      decode: [], ttft: [], summary: null, retryUntil: null, retryAttempt: 0, before: 'running', updated: null };
  }
  function resetJobs(list) {
    jobs.clear(); jobOrder = []; current = null;
    for (const spec of list || []) {
      const k = key(spec.model, spec.ctx, spec.par);
      if (!jobs.has(k)) { jobs.set(k, newJob(spec)); jobOrder.push(k); }
    }
    drawJobs();
  }
  function median(xs) {
    if (!xs.length) { return null; }
    const s = [...xs].sort((a, b) => a - b), m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  function mean(xs) { return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null; }
  function stateText(j, now) {
    if (j.state === 'retrying' && j.retryUntil !== null) {
      const left = Math.max(0, Math.ceil((j.retryUntil - now) / 1000));
      return 'retrying in ' + left + ' s (attempt ' + j.retryAttempt + ')';
    }
    return j.state;
  }
  function drawJobs() {
    const now = Date.now();
    const body = clear(document.querySelector('#jobs-table tbody'));
    let done = 0;
    for (const k of jobOrder) {
      const j = jobs.get(k);
      if (j.state === 'retrying' && j.retryUntil !== null && now >= j.retryUntil) { j.state = j.before; j.retryUntil = null; }
      if (['done', 'failed', 'stopped', 'skipped'].includes(j.state)) { done += 1; }
      const sp = j.spec, sm = j.summary;
      const elapsed = j.startedAt === null ? null : ((j.endedAt || now) - j.startedAt) / 1000;
      const live = j.decode.length ? mean(j.decode) * sp.par : null;
      const ttft = sm && sm.ttft_p50_s !== null ? sm.ttft_p50_s : median(j.ttft);
      body.append(el('tr', { dataset: { state: j.state } },
        el('td', { class: 'id' }, sp.model), el('td', { class: 'num' }, sp.ctx === 0 ? 'default' : String(sp.ctx)),
        el('td', { class: 'num' }, String(sp.par)), el('td', { class: 'state' }, stateText(j, now)),
        el('td', { class: 'num' }, j.done + (sp.requests !== null && sp.requests !== undefined ? '/' + sp.requests : '')),
        el('td', { class: 'num' }, j.warmupDone + (sp.warmup !== null && sp.warmup !== undefined ? '/' + sp.warmup : '')),
        el('td', { class: 'num' }, elapsed === null ? '–' : LB.duration(elapsed)),
        el('td', { class: 'num' }, num(live, 1)),
        el('td', { class: 'num' }, num(sm ? sm.stream_toks_per_s_total : null, 1)),
        el('td', { class: 'num' }, num(sm ? sm.completion_toks_per_s_total : null, 1)),
        el('td', { class: 'num' }, num(sm ? sm.prefill_toks_per_s_mean : null, 0)),
        el('td', { class: 'num' }, num(ttft, 3)), el('td', { class: 'num' }, String(j.errors.size)),
        el('td', {}, j.updated === null ? '–' : new Date(j.updated).toLocaleTimeString())));
    }
    $('jobs-card').hidden = jobOrder.length === 0;
    $('run-jobs').textContent = jobOrder.length ? done + ' / ' + jobOrder.length + ' done' : '–';
  }
  let jobsPending = false;
  function scheduleJobs() {
    if (jobsPending) { return; }
    jobsPending = true;
    setTimeout(() => { jobsPending = false; drawJobs(); }, 200); // at most 5 redraws a second
  }
  setInterval(() => { if (current) { drawJobs(); } }, 1000); // elapsed and retry countdowns tick
  function touch(j, state) {
    if (state) { j.state = state; }
    j.updated = Date.now();
    scheduleJobs();
  }
  LB.on('run_started', d => {
    callsPerRequest = d.calls_per_request || 1;
    resetJobs(d.jobs);
    progress({ completed: 0, total: d.total_requests, elapsed_s: 0, eta_s: null }); // not the last run's figures
  });
  LB.on('job_started', d => {
    current = job(d);
    current.startedAt = Date.now();
    touch(current, d.reload ? 'loading' : 'warmup');
    logLine('job ' + d.position + '/' + d.count + ': ' + d.model + ' ctx ' + d.ctx + ' par ' + d.par);
  });
  LB.on('model_loading', () => { if (current) { touch(current, 'loading'); } });
  LB.on('model_loaded', () => { if (current) { touch(current, 'warmup'); } });
  LB.on('request_retrying', d => {
    const j = job(d);
    if (j.state !== 'retrying') { j.before = d.warmup ? 'warmup' : 'running'; }
    j.retryUntil = Date.now() + (d.delay_s || 0) * 1000;
    j.retryAttempt = d.attempt;
    touch(j, 'retrying');
    logLine('retrying request ' + d.idx + ' of ' + d.model + ' in ' + num(d.delay_s, 0) + ' s (attempt ' + d.attempt
      + '): ' + (d.error || d.error_type || ''));
  });
  LB.on('request_completed', d => {
    if (d.ctx === undefined || d.par === undefined) { return; }
    const j = job(d);
    if (j.state === 'retrying') { j.retryUntil = null; }
    if (d.warmup) {
      if (d.run_mode !== 'nonstream') { j.warmupDone += 1; }
      touch(j, 'warmup');
      return;
    }
    if (d.success && d.run_mode !== 'nonstream') {
      if (d.decode_toks_per_s !== null) { j.decode.push(d.decode_toks_per_s); }
      if (d.ttft_s !== null) { j.ttft.push(d.ttft_s); }
    }
    if (!d.success) { j.errors.add(d.idx); }
    // a logical request is done once its last call is (the non-streaming one when there are two)
    if (callsPerRequest === 1 || d.run_mode === 'nonstream') { j.done += 1; }
    touch(j, 'running');
  });
  for (const name of ['model_completed', 'model_failed']) {
    LB.on(name, d => {
      if (d.ctx === undefined) { return; }
      const j = job(d);
      j.summary = d;
      j.endedAt = Date.now();
      // completed: done (failed requests are in Errors, the job went on); skipped (no room to load it): skipped
      const st = d.status === 'completed' ? 'done' : d.status === 'cancelled' ? 'stopped'
        : d.status === 'skipped' ? 'skipped' : 'failed';
      touch(j, st);
      if (j === current) { current = null; }
      drawJobs();
    });
  }
  LB.on('run_failed', d => {
    if (current) { current.endedAt = Date.now(); touch(current, d.status === 'cancelled' ? 'stopped' : 'failed'); current = null; }
    drawJobs();
  });
  LB.on('run_completed', () => { current = null; drawJobs(); });

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
  $('f-sweep').addEventListener('change', showSweep);
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
    showSweep();
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
