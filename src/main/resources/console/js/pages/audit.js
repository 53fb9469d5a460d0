// Audit log of the client: keys, devices and config changes, newest first, with "load more".

import { api, clientPath, enc } from '../api.js';
import { h, mount, empty, errorBox, time } from '../dom.js';

export default {
  id: 'audit', title: 'Audit log', icon: '≡', needsClient: true,
  render(el, ctx) {
    const body = h('tbody');
    const more = h('button', { class: 'btn', hidden: true }, 'Load more');
    const table = h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['When', 'Action', 'Actor', 'Source IP', 'Details'].map(t => h('th', {}, t)))), body));
    const card = h('section', { class: 'card' }, table, h('div', { class: 'row center' }, more));
    mount(el, card);
    let cursor = null;
    const load = async () => {
      try {
        const data = await api('GET', `${clientPath(ctx.clientId)}/audit?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`);
        if (!cursor && !data.items.length) {
          mount(card, empty('Nothing audited yet', 'Key, device and config changes are listed here.'));
          return;
        }
        body.append(...data.items.map(a => h('tr', { 'data-testid': 'audit-row' },
          h('td', {}, time(a.at)), h('td', {}, h('code', {}, a.action)), h('td', {}, a.actor), h('td', {}, a.sourceIp || '—'),
          h('td', { class: 'small details' }, a.details ? JSON.stringify(a.details) : ''))));
        cursor = data.nextCursor;
        more.hidden = !cursor;
      } catch (e) {
        mount(card, errorBox(e));
      }
    };
    more.addEventListener('click', load);
    load();
  },
};
