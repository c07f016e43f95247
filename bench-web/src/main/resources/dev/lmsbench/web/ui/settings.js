'use strict';
(() => {
  const { el, clear } = LB;
  const $ = id => document.getElementById(id);
  const show = v => v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v);

  async function init() {
    const [c, p] = await Promise.all([LB.get('/api/config'), LB.get('/api/presets')]);
    const body = clear(document.querySelector('#config-table tbody'));
    for (const e of c.entries) {
      body.append(el('tr', {}, el('td', { class: 'id' }, e.key), el('td', { class: 'id' }, show(e.value)),
        el('td', {}, e.source || '–'), el('td', {}, e.flag || '–'), el('td', { class: 'muted' }, e.description || '')));
    }
    $('cfg-empty').hidden = c.entries.length > 0;
    const box = clear($('presets'));
    for (const pr of p.presets) {
      const rows = Object.entries(pr.settings || {}).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, show(v))));
      box.append(el('h3', {}, pr.name), el('div', { class: 'table-wrap' },
        el('table', { class: 'preset' }, el('thead', {}, el('tr', {}, el('th', {}, 'Setting'), el('th', {}, 'Value'))),
          el('tbody', {}, ...rows))));
    }
    $('presets-empty').hidden = p.presets.length > 0;
  }
  init().then(() => LB.ready()).catch(e => { LB.alert('Could not load the settings: ' + e.message); LB.ready(); });
})();
