// Clients (master): create one, issue / rotate / revoke its key (shown once), edit its config.

import { api, clientPath } from '../api.js';
import { h, mount, empty, errorBox, toast, confirmDialog, describe, secretBox, time, plural } from '../dom.js';

const EVENTS = ['message', 'message_sent', 'receipt', 'reaction', 'presence_update', 'group_update',
  'group_participants_update', 'call', 'device_status'];

export default {
  id: 'clients', title: 'Clients', icon: '☰', masterOnly: true,
  render(el, ctx) {
    const list = h('div', { class: 'card' });
    const detail = h('div', { class: 'client-detail' });
    const idInput = h('input', { id: 'new-client-id', 'data-testid': 'client-id', required: true, maxlength: 64,
      pattern: '[A-Za-z0-9_\\-]{1,64}', placeholder: 'acme', autocomplete: 'off' });
    const nameInput = h('input', { id: 'new-client-name', 'data-testid': 'client-name', maxlength: 200, placeholder: 'Acme Ltd' });
    const form = h('form', { class: 'card row wrap align-end', onsubmit: async ev => {
      ev.preventDefault();
      try {
        const body = { clientId: idInput.value.trim() };
        if (nameInput.value.trim()) body.name = nameInput.value.trim();
        const c = await api('POST', '/api/clients', body);
        idInput.value = nameInput.value = '';
        toast(`Client ${c.clientId} created.`, 'ok');
        await load();
        open(c.clientId);
      } catch (e) {
        toast(describe(e), 'error');
      }
    } },
    h('div', { class: 'field' }, h('label', { for: 'new-client-id' }, 'Client id'), idInput),
    h('div', { class: 'field grow' }, h('label', { for: 'new-client-name' }, 'Name (optional)'), nameInput),
    h('button', { class: 'btn primary', type: 'submit', 'data-testid': 'create-client' }, 'Create client'));
    mount(el, form, h('div', { class: 'split' }, list, detail));

    let selected = null;
    const load = async () => {
      try {
        const data = await api('GET', '/api/clients?limit=200');
        if (!data.items.length) {
          mount(list, empty('No clients yet', 'Create the first client above, then issue its key.'));
          return;
        }
        mount(list, h('h2', {}, 'All clients'), h('ul', { class: 'pick-list' }, data.items.map(c => h('li', {},
          h('button', { class: `pick ${c.clientId === selected ? 'active' : ''}`, 'data-testid': 'client', 'data-client-id': c.clientId,
            onclick: () => open(c.clientId) },
          h('strong', {}, c.clientId), h('span', { class: 'muted small' }, `${c.name ? c.name + ' · ' : ''}${plural(c.deviceCount, 'device')}`))))));
      } catch (e) {
        mount(list, errorBox(e));
      }
    };
    const open = async clientId => {
      selected = clientId;
      sessionStorage.setItem('switchboard.client', clientId);
      load();
      mount(detail, h('p', { class: 'muted' }, 'Loading…'));
      try {
        const c = await api('GET', clientPath(clientId));
        mount(detail, clientView(c, () => open(clientId), async () => { selected = null; mount(detail); await load(); }));
      } catch (e) {
        mount(detail, errorBox(e));
      }
    };
    load();
    if (ctx.clientId) open(ctx.clientId);
  },
};

function clientView(c, refresh, deleted) {
  const path = clientPath(c.clientId);
  const shown = h('div');
  const keyArea = h('div');
  const keyAction = (label, method, suffix, testid, done, danger) => h('button', {
    class: `btn small ${danger ? 'danger-ghost' : ''}`, 'data-testid': testid, onclick: async () => {
      if (danger && !await confirmDialog(`Revoke the key of ${c.clientId}? It stops working at once.`, 'Revoke')) return;
      try {
        const r = await api(method, `${path}${suffix}`, method === 'DELETE' ? undefined : { ttlDays: 90 });
        mount(shown, r.key ? secretBox(`The new key of ${c.clientId}.`, r.key) : null);
        toast(done, 'ok');
        renderKey((await api('GET', path)).key);
      } catch (e) {
        toast(describe(e), 'error');
      }
    } }, label);
  const renderKey = k => mount(keyArea, h('dl', { class: 'facts' }, keyFactsOf(k)),
    h('div', { class: 'row wrap key-actions' },
      keyAction(k?.hasKey ? 'Replace key' : 'Issue key', 'POST', '/key', 'issue-key', `A new key was issued for ${c.clientId}.`),
      k?.hasKey ? keyAction('Rotate key', 'POST', '/key/rotate', 'rotate-key', `The key of ${c.clientId} was rotated; the old one no longer works.`) : null,
      k?.hasKey ? keyAction('Revoke key', 'DELETE', '/key', 'revoke-key', `The key of ${c.clientId} was revoked.`, true) : null));
  renderKey(c.key);
  return h('div', { class: 'stack' },
    h('section', { class: 'card' },
      h('div', { class: 'row between' }, h('h2', {}, c.name ? `${c.clientId} · ${c.name}` : c.clientId),
        h('button', { class: 'btn small danger-ghost', onclick: async () => {
          if (!await confirmDialog(`Delete client ${c.clientId}? Its devices are logged out and all its data is deleted.`)) return;
          try {
            await api('DELETE', path);
            toast(`Client ${c.clientId} deleted.`, 'ok');
            deleted();
          } catch (e) {
            toast(describe(e), 'error');
          }
        } }, 'Delete client')),
      h('h3', {}, 'API key'), keyArea, shown),
    configForm(c, refresh));
}

function keyFactsOf(k) {
  if (!k?.hasKey) return [h('dt', {}, 'Status'), h('dd', {}, 'No key: issue one so the client can call the API.')];
  return [h('dt', {}, 'Prefix'), h('dd', {}, h('code', {}, k.prefix)), h('dt', {}, 'Expires'), h('dd', {}, time(k.expiresAt)),
    h('dt', {}, 'Last used'), h('dd', {}, k.lastUsedAt ? time(k.lastUsedAt) : 'never')];
}

function configForm(c, refresh) {
  const cfg = c.config;
  const url = h('input', { id: 'cfg-url', type: 'url', value: cfg.webhookUrl || '', placeholder: 'https://example.com/hooks/whatsapp' });
  const apiKey = h('input', { id: 'cfg-key', type: 'password', autocomplete: 'off',
    placeholder: cfg.hasWebhookApiKey ? 'set (type to replace)' : 'none' });
  const maxDevices = h('input', { id: 'cfg-max', type: 'number', min: 0, value: cfg.maxDevices ?? '' });
  const rate = h('input', { id: 'cfg-rate', type: 'number', min: 1, value: cfg.rateLimitPerMinute ?? '' });
  const reject = h('input', { id: 'cfg-reject', type: 'checkbox', checked: cfg.callPolicy?.reject });
  const rejectMessage = h('input', { id: 'cfg-reject-msg', value: cfg.callPolicy?.message || '', placeholder: 'Sorry, I cannot take calls here.' });
  const events = EVENTS.map(name => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name, checked: cfg.events?.[name] !== false }), name));
  return h('form', { class: 'card stack', 'data-testid': 'config-form', onsubmit: async ev => {
    ev.preventDefault();
    const body = {
      webhookUrl: url.value.trim() || null,
      events: Object.fromEntries(events.map(l => [l.firstChild.name, l.firstChild.checked])),
      callPolicy: { reject: reject.checked, message: rejectMessage.value.trim() || null },
    };
    if (apiKey.value) body.webhookApiKey = apiKey.value;
    if (maxDevices.value !== '') body.maxDevices = Number(maxDevices.value);
    if (rate.value !== '') body.rateLimitPerMinute = Number(rate.value);
    try {
      await api('PUT', `${clientPath(c.clientId)}/config`, body);
      toast('Config saved.', 'ok');
      refresh();
    } catch (e) {
      toast(describe(e), 'error');
    }
  } },
  h('h2', {}, 'Config'),
  h('div', { class: 'grid2' },
    h('div', { class: 'field' }, h('label', { for: 'cfg-url' }, 'Webhook URL'), url),
    h('div', { class: 'field' }, h('label', { for: 'cfg-key' }, 'Webhook API key (sent as x-api-key)'), apiKey),
    h('div', { class: 'field' }, h('label', { for: 'cfg-max' }, 'Max devices'), maxDevices),
    h('div', { class: 'field' }, h('label', { for: 'cfg-rate' }, 'Rate limit (requests/min)'), rate)),
  h('fieldset', {}, h('legend', {}, 'Events sent to the webhook and the feed'), h('div', { class: 'checks' }, events)),
  h('fieldset', {}, h('legend', {}, 'Calls'),
    h('label', { class: 'check' }, reject, 'Reject incoming calls'),
    h('div', { class: 'field' }, h('label', { for: 'cfg-reject-msg' }, 'Message to the caller (optional)'), rejectMessage)),
  h('div', { class: 'row end' }, h('button', { class: 'btn primary', type: 'submit', 'data-testid': 'save-config' }, 'Save config')));
}
