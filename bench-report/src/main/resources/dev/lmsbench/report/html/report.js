/* lmsbench report.html: builds the table pages and the charts from the report-data block. No network, no eval,
   no innerHTML: every string reaches the page as text (textContent, canvas labels, rich-text tooltips). */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var models = data.models;
  var requests = data.requests;
  var VISIBLE = data.page.visible_categories;
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)');
  var charts = {};
  var state = { ready: false, drawn: [], drawnMs: -1, errors: [], timings: {}, scriptStartMs: performance.now() };
  window.lmsbenchReport = state;

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) { return '-'; }
    var a = Math.abs(v);
    return v.toFixed(a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3);
  }
  function short(s) { return s.length > 28 ? s.slice(0, 26) + '\u2026' : s; }
  function num(v) { return v === null || v === undefined ? '-' : v; }
  function el(id) { return document.getElementById(id); }

  /* ---------- table: sort by a header click, 50 rows a page ---------- */
  (function table() {
    var t = el('ranking-table');
    if (!t) { return; }
    var body = t.tBodies[0];
    var all = Array.prototype.slice.call(body.rows);
    var order = all.slice();
    var pageSize = parseInt(t.getAttribute('data-page-size'), 10);
    var size = pageSize;
    var page = 0;
    var pager = el('pager');
    var sortCol = -1, sortDir = 1;

    function pages() { return size > 0 ? Math.max(1, Math.ceil(order.length / size)) : 1; }
    function show() {
      var from = size > 0 ? page * size : 0;
      var rows = size > 0 ? order.slice(from, from + size) : order;
      body.replaceChildren.apply(body, rows);
      drawPager();
    }
    function button(text, target, current) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      if (target < 0 || target >= pages()) { b.disabled = true; }
      if (current) { b.setAttribute('aria-current', 'page'); }
      b.addEventListener('click', function () { page = target; show(); });
      return b;
    }
    function drawPager() {
      pager.replaceChildren();
      if (all.length <= pageSize) { pager.hidden = true; return; }
      pager.hidden = false;
      var n = pages();
      pager.appendChild(button('\u2039 Prev', page - 1, false));
      for (var p = 0; p < n; p++) {
        if (n <= 12 || p === 0 || p === n - 1 || Math.abs(p - page) <= 2) {
          pager.appendChild(button(String(p + 1), p, p === page));
        } else if (Math.abs(p - page) === 3) {
          var gap = document.createElement('span');
          gap.textContent = '\u2026';
          pager.appendChild(gap);
        }
      }
      pager.appendChild(button('Next \u203a', page + 1, false));
      var info = document.createElement('span');
      info.className = 'hint';
      var from = size > 0 ? page * size : 0;
      info.textContent = ' rows ' + (from + 1) + '\u2013' + Math.min(order.length, size > 0 ? from + size
        : order.length) + ' of ' + order.length + ' ';
      pager.appendChild(info);
      var per = document.createElement('select');
      per.setAttribute('aria-label', 'rows per page');
      [50, 100, 0].forEach(function (v) {
        var o = document.createElement('option');
        o.value = String(v);
        o.textContent = v === 0 ? 'all rows' : v + ' rows';
        if (v === size) { o.selected = true; }
        per.appendChild(o);
      });
      per.addEventListener('change', function () { size = parseInt(per.value, 10); page = 0; show(); });
      pager.appendChild(per);
    }
    function cellKey(row, col, numeric) {
      var c = row.cells[col];
      if (numeric) {
        var v = c.getAttribute('data-v');
        return v === null || v === '' ? null : parseFloat(v);
      }
      return c.textContent;
    }
    var heads = t.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      function sort() {
        var numeric = th.getAttribute('data-type') === 'num';
        sortDir = sortCol === col ? -sortDir : (numeric && col > 0 ? -1 : 1);
        sortCol = col;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
        order = all.slice().sort(function (a, b) {
          var x = cellKey(a, col, numeric), y = cellKey(b, col, numeric);
          if (x === null || y === null) { return x === y ? 0 : x === null ? 1 : -1; } // unknown last
          var d = numeric ? x - y : x.localeCompare(y);
          return d * sortDir;
        });
        page = 0;
        show();
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
    body.addEventListener('click', function (e) {
      var tr = e.target.closest('tr');
      if (tr) { selectModel(parseInt(tr.getAttribute('data-model'), 10)); }
    });
    show();
  })();

  /* ---------- charts ---------- */
  function base(extra) {
    var o = {
      backgroundColor: 'transparent',
      animation: models.length <= 60,
      tooltip: { renderMode: 'richText', confine: true },
      grid: { left: 12, right: 24, top: 36, bottom: 24, containLabel: true }
    };
    for (var k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { o[k] = extra[k]; } }
    return o;
  }
  function zoom(n, axis) {
    if (n <= VISIBLE) { return []; }
    // the default filter mode lays out only the models in the window: 200 labels cost more than 30
    var slider = { type: 'slider', startValue: 0, endValue: VISIBLE - 1 };
    var inside = { type: 'inside', zoomOnMouseWheel: false, moveOnMouseWheel: true };
    if (axis === 'y') { slider.yAxisIndex = 0; slider.right = 4; slider.width = 14; inside.yAxisIndex = 0; }
    else { slider.xAxisIndex = 0; slider.bottom = 4; slider.height = 14; inside.xAxisIndex = 0; }
    return [slider, inside];
  }
  function categoryAxis(labels) {
    return { type: 'category', data: labels, axisLabel: { rotate: labels.length > 4 || window.innerWidth < 600 ? 35 : 0, interval: 0,
      formatter: short, hideOverlap: false }, axisTick: { alignWithLabel: true } };
  }

  function decodeOption() {
    var labels = models.map(function (m) { return m.label; });
    return base({
      tooltip: { renderMode: 'richText', confine: true, trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 12, right: 24, top: 36, bottom: models.length > VISIBLE ? 30 : 12, containLabel: true },
      xAxis: categoryAxis(labels),
      yAxis: { type: 'value', name: 'tok/s' },
      dataZoom: zoom(models.length, 'x'),
      series: [{
        type: 'bar', name: 'decode tok/s (mean)', id: 'decode',
        data: models.map(function (m) { return num(m.distributions.decode_toks_per_s.mean); })
      }]
    });
  }

  function quantile(sorted, q) {
    var pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
  function ttftOption() {
    var byModel = models.map(function () { return []; });
    requests.forEach(function (r) {
      if (!r.warmup && r.ok && r.ttft_s !== null) { byModel[r.m].push(r.ttft_s); }
    });
    var labels = [], boxes = [], points = [];
    byModel.forEach(function (v, i) {
      if (v.length === 0) { return; }
      v.sort(function (a, b) { return a - b; });
      var c = labels.length;
      labels.push(models[i].label);
      boxes.push([v[0], quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75), v[v.length - 1]]);
      v.forEach(function (x) { points.push([c, x]); });
    });
    return base({
      grid: { left: 12, right: 24, top: 36, bottom: labels.length > VISIBLE ? 30 : 12, containLabel: true },
      legend: { top: 0 },
      xAxis: categoryAxis(labels),
      yAxis: { type: 'value', name: 'TTFT (s)', scale: true },
      dataZoom: zoom(labels.length, 'x'),
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: function (p) {
        if (p.seriesType === 'boxplot') {
          var d = p.data.slice(-5);
          return p.name + '\nmin ' + fmt(d[0]) + ' s, q1 ' + fmt(d[1]) + ' s, median ' + fmt(d[2]) + ' s, q3 '
            + fmt(d[3]) + ' s, max ' + fmt(d[4]) + ' s';
        }
        return labels[p.data[0]] + '\nTTFT ' + fmt(p.data[1]) + ' s';
      } },
      series: [
        { type: 'boxplot', name: 'TTFT distribution', id: 'ttft', data: boxes },
        { type: 'scatter', name: 'requests', data: points, symbolSize: 5, itemStyle: { opacity: 0.55 } }
      ]
    });
  }

  function quantOf(m) {
    var q = m.model.quantization;
    if (!q) { var at = m.model.id.lastIndexOf('@'); q = at > 0 ? m.model.id.slice(at + 1) : ''; }
    return q ? q.toUpperCase() : 'unknown';
  }
  function scatterOption(x, unit) {
    var byQuant = {}, order = [];
    models.forEach(function (m) {
      var xv = x(m), yv = m.distributions.decode_toks_per_s.mean;
      if (xv === null || xv === undefined || yv === null) { return; }
      var q = quantOf(m);
      if (!byQuant[q]) { byQuant[q] = []; order.push(q); }
      byQuant[q].push([xv, yv, m.label]);
    });
    return base({
      legend: { top: 0, type: 'scroll' },
      grid: { left: 12, right: 36, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: 'value', name: unit, nameLocation: 'middle', nameGap: 26, scale: true },
      yAxis: { type: 'value', name: 'decode tok/s', scale: true },
      tooltip: { renderMode: 'richText', confine: true, formatter: function (p) {
        return p.data[2] + '\n' + p.seriesName + ': ' + fmt(p.data[1]) + ' tok/s at ' + fmt(p.data[0]) + ' ' + unit;
      } },
      series: order.map(function (q) {
        return { type: 'scatter', name: q, data: byQuant[q], symbolSize: 9 };
      })
    });
  }

  function heatmapOption() {
    var rows = [], cols = [], cells = {}, min = Infinity, max = -Infinity;
    models.forEach(function (m) {
      var v = m.distributions.decode_toks_per_s.mean;
      if (v === null) { return; }
      var id = m.model.id, at = id.lastIndexOf('@');
      var row = at > 0 ? id.slice(0, at) : id, col = quantOf(m);
      if (rows.indexOf(row) < 0) { rows.push(row); }
      if (cols.indexOf(col) < 0) { cols.push(col); }
      var key = row + '\u0000' + col;
      cells[key] = cells[key] === undefined ? v : Math.max(cells[key], v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    });
    var values = [];
    rows.forEach(function (r, y) {
      cols.forEach(function (c, x) {
        var v = cells[r + '\u0000' + c];
        if (v !== undefined) { values.push([x, y, v]); }
      });
    });
    if (min === max) { min = 0; }
    return base({
      grid: { left: 12, right: rows.length > VISIBLE ? 40 : 24, top: 12, bottom: 64, containLabel: true },
      xAxis: { type: 'category', data: cols, splitArea: { show: true } },
      yAxis: { type: 'category', data: rows, inverse: true, axisLabel: { formatter: short, interval: 0 } },
      dataZoom: zoom(rows.length, 'y'),
      visualMap: { min: min, max: max, calculable: true, orient: 'horizontal', left: 'center', bottom: 4,
        itemHeight: 160, text: ['fast', 'slow'], formatter: function (v) { return fmt(v); } },
      tooltip: { renderMode: 'richText', confine: true, formatter: function (p) {
        return rows[p.data[1]] + ' ' + cols[p.data[0]] + '\n' + fmt(p.data[2]) + ' tok/s';
      } },
      series: [{ type: 'heatmap', name: 'decode tok/s (mean)', id: 'heatmap', data: values,
        label: { show: cols.length * Math.min(rows.length, VISIBLE) <= 120, formatter: function (p) {
          return fmt(p.data[2]);
        } } }]
    });
  }

  function timelineOption(mi) {
    var series = [], ttfts = [];
    requests.forEach(function (r) {
      if (r.m !== mi || !r.ok || r.token_s.length === 0) { return; }
      var name = (r.warmup ? 'warmup ' : 'request ') + r.idx;
      series.push({ type: 'line', name: name, step: 'end', showSymbol: true, symbolSize: 3,
        data: r.token_s.map(function (t, k) { return [t, k + 1]; }) });
      if (r.ttft_s !== null) { ttfts.push([r.ttft_s, 1, name]); }
    });
    series.push({ type: 'scatter', name: 'TTFT', id: 'ttft-marks', data: ttfts, symbol: 'diamond', symbolSize: 11,
      z: 5 });
    return base({
      legend: { top: 0, type: 'scroll' },
      grid: { left: 12, right: 36, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: 'value', name: 's since sent', nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', name: 'token chunks received', minInterval: 1 },
      tooltip: { renderMode: 'richText', confine: true, formatter: function (p) {
        return p.seriesName === 'TTFT' ? p.data[2] + '\nTTFT ' + fmt(p.data[0]) + ' s'
          : p.seriesName + '\nchunk ' + p.data[1] + ' at ' + fmt(p.data[0]) + ' s';
      } },
      series: series
    });
  }

  function serverOption() {
    var labels = [], cd = [], sd = [], ct = [], st = [];
    models.forEach(function (m) {
      var s = m.server_distributions;
      if (s.tokens_per_second.count === 0 && s.ttft_s.count === 0) { return; }
      labels.push(m.label);
      cd.push(num(m.distributions.decode_toks_per_s.mean));
      sd.push(num(s.tokens_per_second.mean));
      ct.push(num(m.distributions.ttft_s.p50));
      st.push(num(s.ttft_s.p50));
    });
    var axis = function (i) {
      var a = categoryAxis(labels);
      a.gridIndex = i;
      if (i === 0) { a.axisLabel = { show: false }; }
      return a;
    };
    return base({
      legend: { top: 0 },
      tooltip: { renderMode: 'richText', confine: true, trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: [{ left: 12, right: 24, top: 40, height: '34%', containLabel: true },
        { left: 12, right: 24, top: '50%', bottom: labels.length > VISIBLE ? 30 : 12, containLabel: true }],
      xAxis: [axis(0), axis(1)],
      yAxis: [{ type: 'value', name: 'decode tok/s', gridIndex: 0 }, { type: 'value', name: 'TTFT p50 (s)', gridIndex: 1 }],
      dataZoom: labels.length > VISIBLE ? [{ type: 'slider', xAxisIndex: [0, 1], startValue: 0, endValue: VISIBLE - 1,
        bottom: 4, height: 14 }] : [],
      series: [
        { type: 'bar', name: 'decode, client (mean)', data: cd, xAxisIndex: 0, yAxisIndex: 0 },
        { type: 'bar', name: 'decode, server (mean)', data: sd, xAxisIndex: 0, yAxisIndex: 0 },
        { type: 'bar', name: 'TTFT, client (p50)', data: ct, xAxisIndex: 1, yAxisIndex: 1 },
        { type: 'bar', name: 'TTFT, server (p50)', data: st, xAxisIndex: 1, yAxisIndex: 1 }
      ]
    });
  }

  function hardwareOption(mi) {
    var samples = models[mi].hardware_samples;
    var series = {}, order = [];
    function add(name, axis, t, v) {
      if (v === null || v === undefined) { return; }
      if (!series[name]) { series[name] = { type: 'line', name: name, yAxisIndex: axis, showSymbol: false, data: [] };
        order.push(name); }
      series[name].data.push([t, v]);
    }
    samples.forEach(function (s) {
      add('CPU load %', 0, s.t_s, s.cpu_load_pct);
      s.gpus.forEach(function (g) {
        var p = 'GPU ' + g.index + ' ';
        add(p + 'utilization %', 0, s.t_s, g.gpu_util_pct);
        if (g.vram_used_bytes !== null && g.vram_total_bytes) {
          add(p + 'VRAM used %', 0, s.t_s, 100 * g.vram_used_bytes / g.vram_total_bytes);
        }
        add(p + 'power W', 1, s.t_s, g.power_w);
        add(p + 'temperature \u00b0C', 1, s.t_s, g.temp_c);
      });
    });
    return base({
      legend: { top: 0, type: 'scroll' },
      tooltip: { renderMode: 'richText', confine: true, trigger: 'axis' },
      grid: { left: 12, right: 24, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: 'value', name: 's since first sample', nameLocation: 'middle', nameGap: 26 },
      yAxis: [{ type: 'value', name: '%', min: 0, max: 100 }, { type: 'value', name: 'W / \u00b0C', splitLine: { show: false } }],
      series: order.map(function (n) { return series[n]; })
    });
  }

  var builders = {
    decode: decodeOption,
    ttft: ttftOption,
    speed_vs_vram: function () { return scatterOption(function (m) { return m.vram_max_gb; }, 'GB VRAM'); },
    speed_vs_size: function () {
      return scatterOption(function (m) { return m.model.size_bytes === null ? null : m.model.size_bytes / 1e9; },
        'GB on disk');
    },
    heatmap: heatmapOption,
    timeline: function () { return timelineOption(selected('chart-timeline-model')); },
    server: serverOption,
    hardware: function () { return hardwareOption(selected('chart-hardware-model')); }
  };

  function selected(id) { var s = el(id); return s ? parseInt(s.value, 10) : -1; }
  function fillSelect(id, accept) {
    var s = el(id);
    if (!s) { return; }
    models.forEach(function (m, i) {
      if (!accept(i)) { return; }
      var o = document.createElement('option');
      o.value = String(i);
      o.textContent = m.label;
      s.appendChild(o);
    });
  }
  var streamed = {};
  requests.forEach(function (r) { if (r.ok && r.token_s.length > 0) { streamed[r.m] = true; } });
  fillSelect('chart-timeline-model', function (i) { return streamed[i] === true; });
  fillSelect('chart-hardware-model', function (i) { return models[i].hardware_samples.length >= 2; });

  function heightFor(kind, node) {
    if (kind === 'heatmap') {
      var rows = {};
      models.forEach(function (m) { var at = m.model.id.lastIndexOf('@'); rows[at > 0 ? m.model.id.slice(0, at) : m.model.id] = 1; });
      return Math.max(260, Math.min(Object.keys(rows).length, VISIBLE) * 24 + 110);
    }
    return kind === 'server' ? 520 : node.clientHeight;
  }
  function draw(node) {
    var kind = node.getAttribute('data-chart');
    var old = echarts.getInstanceByDom(node);
    if (old) { old.dispose(); }
    node.style.height = heightFor(kind, node) + 'px';
    var chart = echarts.init(node, dark && dark.matches ? 'dark' : null, { renderer: 'canvas' });
    chart.setOption(builders[kind]());
    charts[node.id] = chart;
    return kind;
  }
  function drawAll() {
    state.drawn = [];
    Array.prototype.forEach.call(document.querySelectorAll('.chart'), function (node) {
      try {
        var start = performance.now();
        state.drawn.push(draw(node));
        state.timings[node.id] = Math.round(performance.now() - start);
      } catch (e) {
        state.errors.push(node.id + ': ' + e);
        throw e;
      }
    });
  }
  function selectModel(i) {
    var s = el('chart-timeline-model');
    if (s && streamed[i]) { s.value = String(i); draw(el('chart-timeline')); }
  }
  ['chart-timeline', 'chart-hardware'].forEach(function (id) {
    var s = el(id + '-model');
    if (s) { s.addEventListener('change', function () { draw(el(id)); }); }
  });

  drawAll();
  state.ready = true;
  state.drawnMs = performance.now();
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  if (dark && dark.addEventListener) { dark.addEventListener('change', drawAll); }
})();
