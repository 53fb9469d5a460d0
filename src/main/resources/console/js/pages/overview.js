// Overview (master): live nodes with their devices, devices by status, queues, webhooks, a row per client.
// The feed carries no node events, so the overview is polled every few seconds: a dead node drops out.

import { api } from '../api.js';
import { h, mount, errorBox, badge, debounce, plural } from '../dom.js';

const POLL_MS = 3000;

export default {
  id: 'overview', title: 'Overview', icon: '◎', masterOnly: true,
  render(el, ctx) {
    let stopped = false;
    let timer = null;
    mount(el, h('p', { class: 'muted' }, 'Loading the cluster…'));
    const load = async () => {
      clearTimeout(timer);
      try {
        const data = await api('GET', '/api/admin/overview');
        if (!stopped) mount(el, view(data, ctx));
      } catch (e) {
        if (!stopped) mount(el, errorBox(e));
      }
      if (!stopped) timer = setTimeout(load, POLL_MS);
    };
    const soon = debounce(load, 400);
    const off = ctx.onEvent(e => {
      if (e.event === 'device_status' || e.event === 'feed_reconnected') soon();
    });
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
      soon.cancel();
      off();
    };
  },
};

function view(d, ctx) {
  const live = d.nodes.filter(n => n.live);
  const stale = d.nodes.filter(n => !n.live);
  const byStatus = d.devices.byStatus;
  return h('div', { class: 'stack' },
    h('div', { class: 'stats' },
      stat('Live nodes', live.length, `serving from ${d.node}`),
      stat('Devices', d.devices.total, `${byStatus.CONNECTED || 0} connected`),
      stat('Outbound queue', d.outboundQueue, `${d.scheduledMessages} scheduled`),
      stat('Webhook backlog', d.webhooks.backlog ?? '—', 'deliveries waiting'),
      stat('Webhook failures', d.webhooks.failed ?? '—', 'dead-lettered', (d.webhooks.failed || 0) > 0 ? 'warn' : null)),
    h('section', { class: 'card' }, h('h2', {}, 'Nodes'),
      h('div', { class: 'nodes' }, live.map(node), stale.map(node))),
    h('section', { class: 'card' }, h('h2', {}, 'Devices by status'), statusBar(byStatus, d.devices.total)),
    h('section', { class: 'card' }, h('h2', {}, 'Clients'), clientTable(d.clients, ctx)));
}

function stat(label, value, hint, tone) {
  return h('div', { class: `stat ${tone || ''}` }, h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, String(value)), h('div', { class: 'stat-hint' }, hint));
}

function node(n) {
  const counts = {};
  n.devices.forEach(d => { counts[d.status] = (counts[d.status] || 0) + 1; });
  return h('article', {
    class: `node ${n.live ? '' : 'node-stale'}`, 'data-testid': n.live ? 'node' : 'node-stale', 'data-node': n.name,
  },
  h('div', { class: 'row between' }, h('strong', { class: 'node-name' }, n.name),
    n.live ? h('span', { class: 'dot-live' }, n.self ? 'live · this node' : 'live') : h('span', { class: 'badge st-failed' }, 'gone')),
  h('div', { class: 'node-count' }, h('span', { 'data-testid': 'node-devices' }, String(n.deviceCount)), n.deviceCount === 1 ? ' device' : ' devices'),
  h('div', { class: 'chips' }, Object.entries(counts).map(([s, c]) => h('span', { class: `chip st-${s.toLowerCase()}` }, `${c} ${s.toLowerCase()}`))),
  n.live ? null : h('p', { class: 'muted small' }, 'Not in the cluster; its devices move to live nodes.'));
}

function statusBar(byStatus, total) {
  if (!total) return h('p', { class: 'muted' }, 'No devices yet. Clients add them on the Devices page.');
  const entries = Object.entries(byStatus).filter(([, c]) => c > 0);
  return h('div', {},
    h('div', { class: 'bar', role: 'img', 'aria-label': entries.map(([s, c]) => `${c} ${s}`).join(', ') },
      entries.map(([s, c]) => h('span', { class: `bar-part st-${s.toLowerCase()}`, style: `width:${(100 * c / total).toFixed(2)}%` }))),
    h('div', { class: 'chips' }, entries.map(([s, c]) => h('span', { class: 'legend' }, badge(s), ` ${c}`))));
}

function clientTable(clients, ctx) {
  if (!clients.length) return h('p', { class: 'muted' }, 'No clients yet. Create one on the Clients page.');
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Client', 'Devices', 'Connected', 'Queued', 'Webhook backlog', 'Webhook failures'].map(t => h('th', {}, t)))),
    h('tbody', {}, clients.map(c => h('tr', { 'data-testid': 'client-row', 'data-client-id': c.clientId },
      h('td', {}, h('a', { href: '#/devices', onclick: () => sessionStorage.setItem('switchboard.client', c.clientId) }, c.clientId)),
      h('td', {}, c.devices), h('td', {}, c.connectedDevices), h('td', {}, c.queuedMessages),
      h('td', {}, c.webhookBacklog ?? '—'), h('td', { class: c.webhookFailures ? 'warn-text' : '' }, c.webhookFailures ?? '—'))))));
}
