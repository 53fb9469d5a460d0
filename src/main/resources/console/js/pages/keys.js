// Keys of the client: the main key and named keys with scopes and device limits; create (the key is
// shown once), revoke (at once, on every node), the month's use and quota.

import { api, clientPath, enc } from '../api.js';
import { h, mount, empty, errorBox, toast, confirmDialog, describe, secretBox, time } from '../dom.js';

const SCOPES = ['*', 'devices:read', 'devices:manage', 'messages:send', 'messages:read', 'events:read',
  'config:write', 'keys:manage'];

export default {
  id: 'keys', title: 'Keys', icon: '◈', needsClient: true,
  render(el, ctx) {
    const base = `${clientPath(ctx.clientId)}/keys`;
    const usage = h('section', { class: 'card', 'data-testid': 'usage' });
    const shown = h('div');
    const body = h('tbody');
    const list = h('section', { class: 'card' }, h('h2', {}, 'Keys'), shown,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Scopes', 'Devices', 'Last used', 'Expires', ''].map(t => h('th', {}, t)))),
        body)));
    const name = h('input', { id: 'key-name', 'data-testid': 'key-name', maxlength: 100, placeholder: 'crm' });
    const devices = h('input', { id: 'key-devices', 'data-testid': 'key-devices', placeholder: 'all devices' });
    const checks = SCOPES.map(s => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: s, checked: s === '*' }), s));
    const create = h('form', { class: 'card', 'data-testid': 'key-form' }, h('h2', {}, 'New key'),
      h('div', { class: 'row wrap' },
        h('div', { class: 'field' }, h('label', { for: 'key-name' }, 'Name'), name),
        h('div', { class: 'field grow' }, h('label', { for: 'key-devices' }, 'Only these devices (comma-separated)'), devices)),
      h('fieldset', { class: 'checks' }, h('legend', {}, 'Scopes'), checks),
      h('div', { class: 'row end' }, h('button', { class: 'btn primary', 'data-testid': 'create-key' }, 'Create key')));
    create.addEventListener('submit', async e => {
      e.preventDefault();
      const scopes = checks.map(c => c.firstChild).filter(i => i.checked).map(i => i.name);
      const ids = devices.value.split(',').map(s => s.trim()).filter(Boolean);
      try {
        const k = await api('POST', base, { name: name.value.trim(), scopes, ...(ids.length ? { deviceIds: ids } : {}) });
        mount(shown, secretBox(`The key "${k.name}".`, k.key));
        name.value = '';
        devices.value = '';
        load();
      } catch (err) {
        toast(describe(err), 'error');
      }
    });
    mount(el, usage, list, create);

    const loadUsage = async () => {
      try {
        const u = await api('GET', `${clientPath(ctx.clientId)}/usage`);
        mount(usage, h('h2', {}, 'This month'), h('div', { class: 'stats' },
          h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Messages sent'),
            h('div', { class: 'stat-value', 'data-testid': 'usage-sent' }, String(u.messagesSent))),
          h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Quota'),
            h('div', { class: 'stat-value' }, u.quota == null ? 'none' : `${u.remaining} of ${u.quota} left`)),
          h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'API requests'),
            h('div', { class: 'stat-value' }, String(u.apiRequests)))));
      } catch (err) {
        mount(usage, errorBox(err));
      }
    };
    const load = async () => {
      try {
        const data = await api('GET', base);
        if (!data.items.length) {
          mount(body, h('tr', {}, h('td', { colspan: 7 }, empty('No keys', 'Create one below.'))));
          return;
        }
        mount(body, data.items.map(k => h('tr', { 'data-testid': 'key', 'data-key-id': k.keyId },
          h('td', {}, k.main ? h('strong', {}, 'main') : k.name), h('td', {}, h('code', {}, k.prefix)),
          h('td', { class: 'small' }, k.scopes.join(', ')), h('td', { class: 'small' }, k.deviceIds ? k.deviceIds.join(', ') : 'all'),
          h('td', {}, k.lastUsedAt ? time(k.lastUsedAt) : '—'), h('td', {}, time(k.expiresAt)),
          h('td', {}, h('button', { class: 'btn small danger', 'data-testid': 'revoke-key', type: 'button', onclick: async () => {
            if (!await confirmDialog(`Revoke the key "${k.main ? 'main' : k.name}"? It stops working at once.`, 'Revoke')) return;
            try {
              await api('DELETE', `${base}/${enc(k.keyId)}`);
              toast('Key revoked.', 'ok');
              load();
            } catch (err) {
              toast(describe(err), 'error');
            }
          } }, 'Revoke')))));
      } catch (err) {
        mount(list, errorBox(err));
      }
    };
    loadUsage();
    load();
  },
};
