// Webhooks: the endpoint, the client's other webhooks with a test ping, recent deliveries by status, retry a failed one.

import { api, clientPath, enc } from '../api.js';
import { h, mount, empty, errorBox, toast, describe, time, badge, debounce } from '../dom.js';

const TABS = ['failed', 'pending', 'delivered'];

export default {
  id: 'webhooks', title: 'Webhooks', icon: '⇄', needsClient: true,
  render(el, ctx) {
    const base = clientPath(ctx.clientId);
    const endpoint = h('section', { class: 'card' });
    const others = h('section', { class: 'card' });
    const rows = h('div');
    let tab = 'failed';
    const tabs = h('div', { class: 'tabs', role: 'tablist' });
    const renderTabs = () => mount(tabs, TABS.map(t => h('button', {
      role: 'tab', class: `tab ${t === tab ? 'active' : ''}`, 'aria-selected': String(t === tab), 'data-testid': `deliveries-${t}`,
      onclick: () => { tab = t; renderTabs(); load(); },
    }, t[0].toUpperCase() + t.slice(1))));
    renderTabs();
    mount(el, endpoint, others, h('section', { class: 'card' }, h('h2', {}, 'Recent deliveries'), tabs, rows));

    const loadEndpoint = async () => {
      try {
        const cfg = await api('GET', `${base}/config`);
        const url = h('input', { type: 'url', id: 'hook-url', value: cfg.webhookUrl || '', placeholder: 'https://example.com/hooks/whatsapp' });
        mount(endpoint, h('h2', {}, 'Endpoint'),
          h('form', { class: 'row wrap align-end', onsubmit: async ev => {
            ev.preventDefault();
            try {
              await api('PUT', `${base}/config`, { webhookUrl: url.value.trim() || null });
              toast('Webhook endpoint saved.', 'ok');
            } catch (e) {
              toast(describe(e), 'error');
            }
          } },
          h('div', { class: 'field grow' }, h('label', { for: 'hook-url' }, 'URL (empty: the gateway default)'), url),
          h('button', { class: 'btn primary', type: 'submit', 'data-testid': 'save-webhook' }, 'Save')),
          h('p', { class: 'muted small' }, 'Each delivery is signed (Standard Webhooks) with the secret ',
            h('code', {}, `${(cfg.webhookSecret || '').slice(0, 10)}…`), '. Failures are retried with backoff for 24 h.'));
      } catch (e) {
        mount(endpoint, errorBox(e));
      }
    };
    const loadOthers = async () => {
      try {
        const data = await api('GET', `${base}/webhooks`);
        mount(others, h('h2', {}, 'More webhooks'), !data.items.length
          ? empty('No other webhooks', 'POST /webhooks adds one with its own secret and filters.')
          : h('div', { class: 'table-wrap' }, h('table', {},
            h('thead', {}, h('tr', {}, ['URL', 'Events', 'Devices', 'Active', ''].map(t => h('th', {}, t)))),
            h('tbody', {}, data.items.map(w => h('tr', { 'data-testid': 'webhook', 'data-webhook-id': w.webhookId },
              h('td', { class: 'small' }, w.url), h('td', { class: 'small' }, (w.events || ['all']).join(', ')),
              h('td', { class: 'small' }, (w.deviceIds || ['all']).join(', ')), h('td', {}, w.active ? 'yes' : 'no'),
              h('td', {}, h('button', { class: 'btn small', 'data-testid': 'test-webhook', onclick: async () => {
                try {
                  const r = await api('POST', `${base}/webhooks/${enc(w.webhookId)}/test`);
                  toast(r.ok ? `Ping answered HTTP ${r.statusCode} in ${r.latencyMs} ms.`
                    : `Ping failed: ${r.error || `HTTP ${r.statusCode}`}`, r.ok ? 'ok' : 'error');
                } catch (e) {
                  toast(describe(e), 'error');
                }
              } }, 'Test'))))))));
      } catch (e) {
        mount(others, errorBox(e));
      }
    };
    const load = async () => {
      try {
        const data = await api('GET', `${base}/webhook-deliveries?status=${tab}&limit=50`);
        if (!data.items.length) {
          mount(rows, empty(`No ${tab} deliveries`, tab === 'failed' ? 'Nothing has been dead-lettered.' : null));
          return;
        }
        mount(rows, h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, ['Event', 'Device', 'Status', 'Attempts', 'Last answer', 'When', ''].map(t => h('th', {}, t)))),
          h('tbody', {}, data.items.map(d => h('tr', { 'data-testid': 'delivery', 'data-delivery-id': d.id },
            h('td', {}, d.event), h('td', {}, d.deviceId || '—'), h('td', {}, badge(d.status)), h('td', {}, d.attempts),
            h('td', { class: 'small' }, d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError || '—')),
            h('td', { class: 'small' }, d.status === 'pending' && d.nextAttemptAt ? `next try ${time(d.nextAttemptAt)}`
              : time(d.deliveredAt || d.lastAttemptAt || d.createdAt)),
            h('td', {}, d.status === 'failed' ? h('button', { class: 'btn small', 'data-testid': 'retry', onclick: async () => {
              try {
                await api('POST', `${base}/webhook-deliveries/${enc(d.id)}/retry`);
                toast('Delivery queued again.', 'ok');
                load();
              } catch (e) {
                toast(describe(e), 'error');
              }
            } }, 'Retry') : null)))))));
      } catch (e) {
        mount(rows, errorBox(e));
      }
    };
    const soon = debounce(load, 1500);
    const off = ctx.onEvent(e => { if (e.clientId === ctx.clientId || e.event === 'feed_reconnected') soon(); });
    loadEndpoint();
    loadOthers();
    load();
    return () => { off(); soon.cancel(); };
  },
};
