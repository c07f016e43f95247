'use strict';
// Shared by every dashboard page: the API client (CSRF token from /api/session), DOM building without markup
// (every server string goes in as text), number formatting, charts, the live event stream and the status pill.
const LB = (() => {
  let csrf = null;
  const charts = {};
  const dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || ('HTTP ' + status));
      this.status = status;
      this.fields = (body && body.fields) || {};
    }
  }

  async function parse(r) {
    let body = {};
    try { body = await r.json(); } catch (e) { body = {}; }
    if (!r.ok) { throw new ApiError(r.status, body); }
    return body;
  }

  async function get(path) {
    return parse(await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }));
  }

  async function post(path, body) {
    if (csrf === null) {
      csrf = (await get('/api/session')).csrf_token;
    }
    return parse(await fetch(path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Accept: 'application/json' },
      body: JSON.stringify(body === undefined ? {} : body)
    }));
  }

  // el('td', {class: 'num'}, 'text', childNode): attributes set as properties or attributes, children as text
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) { continue; }
      if (k === 'class') { e.className = v; } else if (k === 'text') { e.textContent = v; }
      else if (k.startsWith('on')) { e.addEventListener(k.substring(2), v); }
      else if (k === 'dataset') { Object.assign(e.dataset, v); } else { e.setAttribute(k, v === true ? '' : v); }
    }
    for (const c of children) {
      if (c === null || c === undefined) { continue; }
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function num(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) { return '–'; }
    return Number(v).toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function p50(stat) { return stat && stat.count > 0 ? stat.p50 : null; }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return '–'; }
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h > 0 ? h + 'h ' : '') + (h > 0 || m > 0 ? m + 'm ' : '') + r + 's';
  }

  function when(iso) {
    if (!iso) { return '–'; }
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  // the text a chart shows for a value: escaped for ECharts' HTML tooltips
  function esc(s) {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function short(id, max) {
    const s = String(id);
    return s.length > max ? s.substring(0, max - 1) + '…' : s;
  }

  function chart(id) {
    const node = document.getElementById(id);
    if (charts[id]) { return charts[id]; }
    const c = echarts.init(node, dark ? 'dark' : null, { renderer: 'canvas' });
    charts[id] = c;
    return c;
  }

  window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));

  function alert(message) {
    const a = document.getElementById('alert');
    a.textContent = message;
    a.hidden = !message;
  }

  // The live event stream: handlers by event name; EventSource reconnects by itself and the first event of every
  // connection is `status`, so a page catches up after a reconnect.
  const listeners = {};
  let source = null;
  function on(name, handler) {
    (listeners[name] = listeners[name] || []).push(handler);
    if (source) { attach(name); }
  }
  function attach(name) {
    if (attached.has(name)) { return; }
    attached.add(name);
    source.addEventListener(name, ev => {
      let data = {};
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      for (const h of listeners[name] || []) { h(data); }
    });
  }
  const attached = new Set();
  function connect() {
    source = new EventSource('/api/events');
    source.onerror = () => setPill({ status: 'unreachable' });
    for (const name of Object.keys(listeners)) { attach(name); }
  }

  const pill = () => document.getElementById('live-status');
  function setPill(s) {
    const p = pill();
    p.dataset.state = s.status;
    let text = s.status;
    if (s.status === 'unreachable') { text = 'server unreachable'; }
    else if ((s.status === 'running' || s.status === 'paused') && s.progress) {
      text += ' ' + s.progress.completed + '/' + s.progress.total;
    }
    p.textContent = text;
  }
  const status = { current: null };
  function track(s) { status.current = s; setPill(s); }
  on('status', track);
  on('resync', track);
  for (const n of ['paused', 'resumed']) {
    on(n, () => { if (status.current) { track(Object.assign({}, status.current, { status: n === 'paused' ? 'paused' : 'running' })); } });
  }
  on('run_started', d => {
    track(Object.assign({}, status.current || {}, { status: 'running', run_id: d.run_id,
      progress: { completed: 0, total: d.total_requests, elapsed_s: 0, eta_s: null } }));
  });
  on('request_completed', d => {
    if (status.current && d.progress) {
      track(Object.assign({}, status.current, { progress: d.progress,
        status: status.current.status === 'starting' ? 'running' : status.current.status }));
    }
  });

  function ready() { document.body.dataset.ready = '1'; }

  function compareLink(model) {
    return el('a', { href: '/comparison?model=' + encodeURIComponent(model), class: 'button',
      'aria-label': 'Compare ' + model }, 'Compare');
  }

  document.addEventListener('DOMContentLoaded', connect);

  return { get, post, el, clear, num, p50, duration, when, esc, short, chart, charts, alert, on, status, ready,
    compareLink, ApiError, dark };
})();
