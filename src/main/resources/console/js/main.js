// Boots the console: the login, the shell (navigation, client picker, live status) and the router.
// A page is one module in pages/ listed in PAGES: {id, title, masterOnly?, needsClient?, render(el, ctx)}.

import { api, login, resume, session, onExpired, onRenewed } from './api.js';
import * as live from './live.js';
import { h, mount, describe } from './dom.js';
import overview from './pages/overview.js';
import clients from './pages/clients.js';
import devices from './pages/devices.js';
import chats from './pages/chats.js';
import webhooks from './pages/webhooks.js';
import audit from './pages/audit.js';
import keys from './pages/keys.js';
import usage from './pages/usage.js';

const PAGES = [overview, clients, devices, chats, webhooks, usage, keys, audit];
const PICKED = 'switchboard.client';
const app = document.getElementById('app');
let cleanup = null;
let loginMessage = null;

onExpired(message => {
  live.stop();
  loginMessage = message;
  go('login');
});
onRenewed(() => live.restart());
window.addEventListener('hashchange', route);

const resumed = resume();
if (resumed === 'expired') loginMessage = 'Your session has expired. Sign in again.';
if (resumed && resumed !== 'expired') live.start();
route();

function go(id) {
  if (location.hash !== `#/${id}`) location.hash = `#/${id}`;
  else route();
}

function pagesFor(s) {
  return PAGES.filter(p => !p.masterOnly || s.scope === 'master');
}

function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const s = session.get();
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  if (!s) {
    renderLogin();
    return;
  }
  const available = pagesFor(s);
  const page = available.find(p => p.id === id) || available[0];
  if (page.id !== id) {
    history.replaceState(null, '', `#/${page.id}`);
  }
  renderShell(s, page, available);
}

function renderLogin() {
  document.title = 'Sign in · Switchboard';
  const error = h('p', { class: 'login-error', role: 'alert', 'data-testid': 'login-error', hidden: !loginMessage }, loginMessage || '');
  const input = h('input', {
    id: 'key', type: 'password', 'data-testid': 'key', autocomplete: 'off', spellcheck: 'false', required: true,
    placeholder: 'sbm_… or sb_…', 'aria-describedby': 'key-help',
  });
  const button = h('button', { class: 'btn primary wide', type: 'submit', 'data-testid': 'login' }, 'Sign in');
  const form = h('form', { class: 'login-card', onsubmit: async ev => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      await login(key);
      loginMessage = null;
      live.start();
      go('');
    } catch (e) {
      error.hidden = false;
      error.textContent = e.status === 401 ? 'That key was not accepted: it is unknown, expired or revoked.' : describe(e);
      button.disabled = false;
      button.textContent = 'Sign in';
      input.select();
    }
  } },
  h('div', { class: 'brand big' }, logo(), 'Switchboard'),
  h('h1', {}, 'Sign in to the console'),
  h('label', { for: 'key' }, 'API key'),
  input,
  h('p', { id: 'key-help', class: 'muted small' },
    'Use the master key to run the gateway, or a client key to manage that client\u2019s numbers and chats. ',
    'The key is exchanged for a short-lived token; the key itself is not stored.'),
  error,
  button);
  mount(app, h('main', { class: 'login' }, form));
  input.focus();
}

function renderShell(s, page, available) {
  document.title = `${page.title} · Switchboard`;
  const content = h('section', { class: 'content', 'aria-label': page.title });
  const liveBadge = h('span', { class: 'live', 'data-testid': 'live-status' });
  const stopState = live.onState(state => {
    liveBadge.className = `live live-${state}`;
    liveBadge.dataset.state = state;
    liveBadge.textContent = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline, retrying';
    liveBadge.title = `Live updates: ${liveBadge.textContent}`;
  });
  const nav = h('nav', { class: 'nav', 'aria-label': 'Pages' }, available.map(p => h('a', {
    href: `#/${p.id}`, 'data-testid': `nav-${p.id}`, class: p === page ? 'active' : null,
    'aria-current': p === page ? 'page' : null,
  }, h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, p.icon), p.title)));
  const who = s.scope === 'master' ? 'Master' : s.clientId;
  const picker = s.scope === 'master' && page.needsClient ? clientPicker(page) : null;
  const header = h('header', { class: 'topbar' },
    h('div', { class: 'brand' }, logo(), 'Switchboard'),
    h('div', { class: 'topbar-right' }, liveBadge,
      h('span', { class: 'who', 'data-testid': 'who', title: 'Signed in as' }, who),
      h('button', { class: 'btn ghost small', 'data-testid': 'logout', onclick: () => {
        live.stop();
        session.clear();
        loginMessage = 'You are signed out.';
        go('login');
      } }, 'Sign out')));
  mount(app, h('div', { class: 'shell' }, header, nav,
    h('main', { class: 'main' }, h('div', { class: 'page-head' }, h('h1', {}, page.title), picker), content)));
  const ctx = {
    session: s,
    clientId: s.clientId ?? sessionStorage.getItem(PICKED),
    master: s.scope === 'master',
    onEvent: live.onEvent,
    go,
  };
  let pageCleanup = null;
  if (page.needsClient && !ctx.clientId) {
    mount(content, h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, 'Pick a client'),
      h('p', { class: 'muted' }, 'Choose a client above, or create one on the Clients page.')));
  } else {
    pageCleanup = page.render(content, ctx);
  }
  cleanup = () => {
    stopState();
    if (typeof pageCleanup === 'function') pageCleanup();
  };
}

/** The master's choice of client for the client pages. */
function clientPicker(page) {
  const picked = sessionStorage.getItem(PICKED);
  const select = h('select', { 'data-testid': 'client-select', 'aria-label': 'Client', onchange: () => {
    sessionStorage.setItem(PICKED, select.value);
    route();
  } }, h('option', { value: '' }, 'Loading clients…'));
  api('GET', '/api/clients?limit=200').then(data => {
    mount(select, h('option', { value: '', disabled: true, selected: !picked }, 'Choose a client'),
      data.items.map(c => h('option', { value: c.clientId, selected: c.clientId === picked }, c.name ? `${c.clientId} · ${c.name}` : c.clientId)));
    if (!picked && data.items.length === 1) {
      sessionStorage.setItem(PICKED, data.items[0].clientId);
      route();
    }
  }).catch(() => mount(select, h('option', { value: '' }, 'Clients unavailable')));
  return h('label', { class: 'picker' }, h('span', { class: 'muted small' }, 'Client'), select);
}

function logo() {
  return h('span', { class: 'logo', 'aria-hidden': 'true' }, 'S');
}
