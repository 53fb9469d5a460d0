// Devices: add one and link it by its QR (the server's image, replaced as it rotates) or a pairing code;
// status, phone number, node and last error live from the feed; rename, stop, start, reconnect and delete.

import { api, clientPath, enc } from '../api.js';
import { h, mount, empty, errorBox, badge, toast, confirmDialog, describe, time, debounce, phoneOf } from '../dom.js';

const NAME_MAX = 100;

export default {
  id: 'devices', title: 'Devices', icon: '▣', needsClient: true,
  render(el, ctx) {
    const base = `${clientPath(ctx.clientId)}/devices`;
    const cards = new Map();
    const grid = h('div', { class: 'devices', 'data-testid': 'devices' });
    const idInput = h('input', { id: 'device-id', 'data-testid': 'device-id', placeholder: 'e.g. sales-phone', maxlength: 64,
      pattern: '[A-Za-z0-9_\\-]{1,64}', required: true, autocomplete: 'off' });
    const nameInput = h('input', { id: 'new-device-name', 'data-testid': 'new-device-name', placeholder: 'e.g. Front desk (optional)',
      maxlength: NAME_MAX, autocomplete: 'off' });
    const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const create = h('button', { class: 'btn primary', type: 'submit', 'data-testid': 'create-device' }, 'Create and show QR');
    const form = h('form', { class: 'card add-form', hidden: true, onsubmit: async ev => {
      ev.preventDefault();
      formError.hidden = true;
      create.disabled = true;
      try {
        const body = { deviceId: idInput.value.trim() };
        if (nameInput.value.trim()) body.name = nameInput.value.trim();
        const dev = await api('POST', base, body);
        idInput.value = '';
        nameInput.value = '';
        form.hidden = true;
        upsert(dev);
        if (dev.qr) cards.get(dev.deviceId)?.showQr(dev.qr);
        toast(`Device ${dev.deviceId} added. Scan its QR with WhatsApp.`, 'ok');
      } catch (e) {
        formError.hidden = false;
        formError.textContent = describe(e);
      } finally {
        create.disabled = false;
      }
    } },
    h('label', { for: 'device-id' }, 'Device id'),
    h('div', { class: 'row wrap' }, idInput, create,
      h('button', { class: 'btn ghost', type: 'button', onclick: () => { form.hidden = true; } }, 'Cancel')),
    h('p', { class: 'muted small' }, 'Letters, digits, "-" and "_". One device is one linked WhatsApp number.'),
    h('label', { for: 'new-device-name' }, 'Name'), nameInput,
    formError);
    const addButton = h('button', { class: 'btn primary', 'data-testid': 'add-device', onclick: () => {
      form.hidden = false;
      idInput.focus();
    } }, '+ Add device');
    mount(el, h('div', { class: 'toolbar' }, h('p', { class: 'muted' }, `Linked WhatsApp numbers of ${ctx.clientId}.`), addButton),
      form, grid);

    const upsert = dev => {
      let card = cards.get(dev.deviceId);
      if (!card) {
        card = deviceCard(base, dev, () => { cards.delete(dev.deviceId); render(); });
        cards.set(dev.deviceId, card);
        render();
      }
      card.update(dev);
    };
    const render = () => {
      if (!cards.size) {
        mount(grid, empty('No devices yet', 'Add a device, then scan its QR in WhatsApp: Settings → Linked devices → Link a device.'));
      } else {
        mount(grid, [...cards.values()].sort((a, b) => a.id.localeCompare(b.id)).map(c => c.el));
      }
    };
    const load = async () => {
      try {
        const data = await api('GET', `${base}?limit=200`);
        const seen = new Set(data.items.map(d => d.deviceId));
        for (const id of [...cards.keys()]) if (!seen.has(id)) cards.delete(id);
        data.items.forEach(upsert);
        render();
      } catch (e) {
        mount(grid, errorBox(e));
      }
    };
    const refetch = new Map();
    const off = ctx.onEvent(e => {
      if (e.event === 'feed_reconnected') return load();
      if (e.event !== 'device_status' || e.clientId !== ctx.clientId) return;
      const card = cards.get(e.deviceId);
      if (!card) return load();
      card.update({ status: e.data.status, lastError: e.data.lastError ?? null });
      if (e.data.qr) card.newQr(e.data.qr);
      // Phone number, node and times are not in the event: read the device once things settle.
      if (!refetch.has(e.deviceId)) {
        refetch.set(e.deviceId, debounce(() => api('GET', `${base}/${enc(e.deviceId)}`).then(upsert).catch(() => {}), 300));
      }
      refetch.get(e.deviceId)();
    });
    load();
    return () => {
      off();
      refetch.forEach(f => f.cancel());
    };
  },
};

function deviceCard(base, initial, removed) {
  const path = `${base}/${enc(initial.deviceId)}`;
  const state = { ...initial, qr: null };
  const status = h('span');
  const phone = h('dd', { 'data-testid': 'device-phone' });
  const node = h('dd', { 'data-testid': 'device-node' });
  const connected = h('dd');
  const title = h('h2', { class: 'device-title', 'data-testid': 'device-name' });
  const subtitle = h('p', { class: 'device-sub muted small' });
  const nameInput = h('input', { 'data-testid': 'device-name-input', maxlength: NAME_MAX, required: true, autocomplete: 'off',
    'aria-label': `Name of ${initial.deviceId}` });
  const renameForm = h('form', { class: 'row wrap rename', hidden: true, onsubmit: async ev => {
    ev.preventDefault();
    try {
      update(await api('PATCH', path, { name: nameInput.value }));
      renameForm.hidden = true;
      toast(`Renamed ${initial.deviceId}.`, 'ok');
    } catch (e) {
      toast(describe(e), 'error');
    }
  } }, nameInput,
  h('button', { class: 'btn small primary', type: 'submit', 'data-testid': 'save-device-name' }, 'Save'),
  h('button', { class: 'btn small ghost', type: 'button', onclick: () => { renameForm.hidden = true; } }, 'Cancel'));
  // Stop and start ask the device to change state; the new state arrives by the feed, and is read once more after.
  const action = (verb, label) => async () => {
    try {
      const r = await api('POST', `${path}/${verb}`);
      if (r && r.status) update({ status: r.status });
      toast(`${label} ${initial.deviceId}…`);
    } catch (e) {
      toast(describe(e), 'error');
    }
  };
  const stop = h('button', { class: 'btn small', 'data-testid': 'stop-device', onclick: action('stop', 'Stopping'),
    title: 'Close the session and keep it linked: nothing resumes it until Start' }, 'Stop');
  const start = h('button', { class: 'btn small primary', 'data-testid': 'start-device', onclick: action('start', 'Starting'),
    title: 'Open the session again, without a new QR' }, 'Start');
  const error = h('p', { class: 'device-error', 'data-testid': 'device-error', hidden: true });
  const img = h('img', { alt: `QR code to link ${initial.deviceId}`, width: 232, height: 232 });
  const qrBox = h('div', { class: 'qr', 'data-testid': 'qr', 'data-device-id': initial.deviceId }, img);
  const qrHint = h('p', { class: 'muted small' });
  const code = h('p', { class: 'pair-code', 'data-testid': 'pairing-code', hidden: true });
  const phoneInput = h('input', { type: 'tel', placeholder: 'Phone number, e.g. +15550001111', 'aria-label': 'Phone number for a pairing code' });
  const pairForm = h('form', { class: 'row wrap', onsubmit: async ev => {
    ev.preventDefault();
    try {
      const r = await api('POST', `${path}/pairing-code`, { phoneNumber: phoneInput.value.trim() });
      code.hidden = false;
      code.textContent = r.code;
    } catch (e) {
      toast(describe(e), 'error');
    }
  } }, phoneInput, h('button', { class: 'btn small', type: 'submit' }, 'Get pairing code'));
  const linking = h('div', { class: 'linking', hidden: true },
    h('div', { class: 'qr-frame' }, qrBox),
    h('div', { class: 'link-steps' },
      h('h3', {}, 'Link this number'),
      h('ol', {}, h('li', {}, 'Open WhatsApp on the phone'), h('li', {}, 'Settings → Linked devices → Link a device'),
        h('li', {}, 'Point the camera at this code')),
      qrHint,
      h('details', {}, h('summary', {}, 'Link with a pairing code instead'), pairForm, code)));
  const el = h('article', { class: 'card device', 'data-testid': 'device', 'data-device-id': initial.deviceId },
    h('div', { class: 'row between' }, h('div', { class: 'device-head' }, title, subtitle), status),
    renameForm,
    h('dl', { class: 'facts' }, h('dt', {}, 'Phone'), phone, h('dt', {}, 'Node'), node, h('dt', {}, 'Connected'), connected),
    error,
    linking,
    h('div', { class: 'row end actions' },
      h('button', { class: 'btn small ghost', 'data-testid': 'rename-device', onclick: () => {
        nameInput.value = state.name || '';
        renameForm.hidden = false;
        nameInput.focus();
        nameInput.select();
      } }, 'Rename'),
      stop, start,
      h('button', { class: 'btn small', 'data-testid': 'reconnect', onclick: async () => {
        try {
          await api('POST', `${path}/reconnect`);
          toast(`Reconnecting ${initial.deviceId}…`);
        } catch (e) {
          toast(describe(e), 'error');
        }
      } }, 'Reconnect'),
      h('button', { class: 'btn small danger-ghost', 'data-testid': 'delete-device', onclick: async () => {
        if (!await confirmDialog(`Delete ${initial.deviceId}? Its WhatsApp session is logged out and the device is removed.`)) return;
        try {
          await api('DELETE', path);
          el.remove();
          removed();
          toast(`Device ${initial.deviceId} deleted.`, 'ok');
        } catch (e) {
          toast(describe(e), 'error');
        }
      } }, 'Delete')));

  let qrLoading = null;
  const loadQr = () => {
    qrLoading ??= api('GET', `${path}/qr`).then(showQr).catch(() => {}).finally(() => { qrLoading = null; });
  };
  const showQr = qr => {
    if (state.status !== 'QR_READY' && state.status !== undefined) return;
    state.qr = qr;
    img.src = qr.image;
    qrBox.dataset.qr = qr.qr;
    qrHint.textContent = qr.expiresAt ? `This code refreshes by itself (next change by ${time(qr.expiresAt)}).` : 'This code refreshes by itself.';
    linking.hidden = false;
    el.classList.add('linking-open');
  };
  const update = patch => {
    Object.assign(state, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    el.dataset.status = state.status;
    mount(status, badge(state.status));
    title.textContent = state.name || initial.deviceId;
    subtitle.textContent = state.name ? initial.deviceId : '';
    subtitle.hidden = !state.name;
    // A logged-out device is linked again by Reconnect (a new QR), not started.
    stop.hidden = state.status === 'STOPPED' || state.status === 'LOGGED_OUT';
    start.hidden = state.status !== 'STOPPED';
    phone.textContent = state.phoneNumber ? phoneOf(`${state.phoneNumber}@s.whatsapp.net`) : '—';
    node.textContent = state.node || '—';
    connected.textContent = state.connectedAt ? time(state.connectedAt) : '—';
    error.hidden = !state.lastError;
    error.textContent = state.lastError || '';
    if (state.status === 'QR_READY') {
      if (!state.qr) loadQr();
    } else {
      state.qr = null;
      linking.hidden = true;
      el.classList.remove('linking-open');
      delete qrBox.dataset.qr;
      code.hidden = true;
    }
  };
  return {
    id: initial.deviceId, el, update, showQr,
    newQr(raw) {
      if (state.qr?.qr !== raw) {
        state.qr = null;
        loadQr();
      }
    },
  };
}
