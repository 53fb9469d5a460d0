// Chats: a person's inbox for one device. Chat list with unread counts and last activity, archive,
// pin and mute toggles and an archived filter, the conversation in both directions with receipt
// ticks that change live, and sending text or a file.

import { api, clientPath, enc, upload, mediaUrl } from '../api.js';
import { h, mount, empty, errorBox, toast, describe, time, ago, debounce, phoneOf, icon } from '../dom.js';

const RANK = { QUEUED: 0, SCHEDULED: 0, SENT: 1, DELIVERED: 2, READ: 3, FAILED: 4, CANCELLED: 4 };
const TICKS = { QUEUED: '🕓', SCHEDULED: '🕓', SENT: '✓', DELIVERED: '✓✓', READ: '✓✓', FAILED: '!', CANCELLED: '×' };
const PICKED = 'switchboard.chats.device';
/** How long the mute toggle mutes a chat for, as WhatsApp's shortest choice. */
const MUTE_MS = 8 * 3600 * 1000;

export default {
  id: 'chats', title: 'Chats', icon: '✉', needsClient: true,
  render(el, ctx) {
    const client = clientPath(ctx.clientId);
    const select = h('select', { 'data-testid': 'device-select', 'aria-label': 'Device', onchange: () => pickDevice(select.value) });
    const list = h('ul', { class: 'chat-list', 'data-testid': 'chat-list', 'aria-label': 'Chats' });
    const pane = h('section', { class: 'conversation', 'aria-label': 'Conversation' });
    const filter = h('select', { 'data-testid': 'chat-filter', 'aria-label': 'Which chats', onchange: () => loadChats() },
      h('option', { value: 'false' }, 'Chats'), h('option', { value: 'true' }, 'Archived'), h('option', { value: '' }, 'All chats'));
    const newChat = h('input', { type: 'tel', placeholder: 'New chat: phone number', 'aria-label': 'Start a chat with a phone number', 'data-testid': 'new-chat' });
    const layout = h('div', { class: 'chats' },
      h('aside', { class: 'chat-side' },
        h('form', { class: 'new-chat', onsubmit: ev => {
          ev.preventDefault();
          const digits = newChat.value.replace(/[^0-9]/g, '');
          if (digits.length < 7 || digits.length > 15) return toast('A phone number has 7 to 15 digits.', 'error');
          newChat.value = '';
          openChat(`${digits}@s.whatsapp.net`);
        } }, newChat, h('button', { class: 'btn small', type: 'submit' }, 'Open')),
        h('div', { class: 'chat-filter' }, filter),
        list),
      pane);
    mount(el, h('div', { class: 'toolbar' }, h('label', { class: 'picker' }, h('span', { class: 'muted small' }, 'Device'), select)), layout);

    let deviceId = null;
    let chatId = null;
    let chats = [];
    let convo = null;
    const devicePath = () => `${client}/devices/${enc(deviceId)}`;

    const loadChats = async () => {
      if (!deviceId) return;
      try {
        const archived = filter.value ? `&archived=${filter.value}` : '';
        chats = (await api('GET', `${devicePath()}/chats?limit=100${archived}`)).items;
        // Pinned chats first, each group newest first as the API lists them.
        chats = [...chats.filter(c => c.pinned), ...chats.filter(c => !c.pinned)];
        renderList();
      } catch (e) {
        mount(list, h('li', {}, errorBox(e)));
      }
    };
    const reloadChats = debounce(loadChats, 250);
    const renderList = () => {
      if (!chats.length) {
        mount(list, h('li', {}, filter.value === 'true' ? empty('No archived chats', 'Chats you archive are kept here.')
          : empty('No chats yet', 'Messages people send to this number show up here.')));
        return;
      }
      mount(list, chats.map(c => h('li', { class: 'chat-row' }, h('button', {
        class: `chat ${c.chatId === chatId ? 'active' : ''}`, 'data-testid': 'chat', 'data-chat-id': c.chatId,
        'data-archived': String(Boolean(c.archived)), 'data-pinned': String(Boolean(c.pinned)), 'data-muted': String(muted(c)),
        'aria-current': c.chatId === chatId ? 'true' : null, onclick: () => openChat(c.chatId),
      },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, c.name ? c.name.slice(0, 1).toUpperCase() : icon('person')),
      h('span', { class: 'chat-main' }, h('span', { class: 'chat-name' }, c.name || phoneOf(c.chatId)),
        h('span', { class: 'chat-time muted small' }, c.lastMessageAt ? ago(c.lastMessageAt) : '')),
      c.unreadCount > 0 ? h('span', { class: 'unread', 'data-testid': 'unread', 'aria-label': `${c.unreadCount} unread` }, String(c.unreadCount)) : null),
      flags(c))));
    };
    /** The archive, pin and mute toggles of one chat: each sets the flag on WhatsApp, then the list is read again. */
    const flags = c => {
      const name = c.name || phoneOf(c.chatId);
      const toggle = (testId, iconName, on, label, setting, body) => h('button', {
        class: 'flag', type: 'button', 'data-testid': testId, 'data-chat-id': c.chatId, 'aria-pressed': String(on),
        'aria-label': `${label} ${name}`, title: label, onclick: async () => {
          try {
            await api('POST', `${devicePath()}/chats/${enc(c.chatId)}/${setting}`, body);
            loadChats();
          } catch (e) {
            toast(describe(e), 'error');
          }
        },
      }, icon(iconName, 16));
      const isMuted = muted(c);
      return h('span', { class: 'chat-flags' },
        toggle('chat-pin', 'pin', Boolean(c.pinned), c.pinned ? 'Unpin' : 'Pin', 'pin', { pinned: !c.pinned }),
        toggle('chat-mute', 'mute', isMuted, isMuted ? `Unmute (muted until ${time(c.mutedUntil)})` : 'Mute for 8 hours', 'mute',
          { until: isMuted ? null : new Date(Date.now() + MUTE_MS).toISOString() }),
        toggle('chat-archive', 'archive', Boolean(c.archived), c.archived ? 'Unarchive' : 'Archive', 'archive', { archived: !c.archived }));
    };

    const pickDevice = id => {
      deviceId = id;
      sessionStorage.setItem(PICKED, id);
      chatId = null;
      convo?.close();
      convo = null;
      layout.classList.remove('has-chat');
      mount(pane, empty('Pick a chat', 'Choose a chat on the left, or open a new one with a phone number.'));
      loadChats();
    };
    const openChat = id => {
      chatId = id;
      convo?.close();
      convo = conversation(ctx.clientId, devicePath(), deviceId, id, () => reloadChats(), () => {
        layout.classList.remove('has-chat');
        list.querySelector('.chat.active')?.focus();
      });
      mount(pane, convo.el);
      layout.classList.add('has-chat');
      renderList();
    };

    (async () => {
      try {
        const devices = (await api('GET', `${client}/devices?limit=200`)).items;
        if (!devices.length) {
          mount(layout, empty('No devices yet', 'Add a device on the Devices page and link it; its chats show here.'));
          return;
        }
        const remembered = sessionStorage.getItem(PICKED);
        const first = devices.find(d => d.deviceId === remembered) || devices.find(d => d.status === 'CONNECTED') || devices[0];
        mount(select, devices.map(d => h('option', { value: d.deviceId, selected: d === first },
          `${d.name ? `${d.name} (${d.deviceId})` : d.deviceId} · ${d.status.toLowerCase()}`)));
        pickDevice(first.deviceId);
      } catch (e) {
        mount(layout, errorBox(e));
      }
    })();

    const off = ctx.onEvent(e => {
      if (e.event === 'feed_reconnected') {
        loadChats();
        convo?.reload();
        return;
      }
      if (e.clientId !== ctx.clientId || e.deviceId !== deviceId) return;
      if (e.event === 'message' || e.event === 'message_sent') reloadChats();
      if (convo && e.data?.chatId === chatId && (e.event === 'message' || e.event === 'message_sent')) convo.event(e);
      if (convo && e.event === 'receipt') convo.event(e);
    });
    return () => {
      off();
      reloadChats.cancel();
      convo?.close();
    };
  },
};

/** One open conversation: messages keyed by id, statuses only moving forward. */
function conversation(clientId, path, deviceId, chatId, changed, back) {
  const messages = new Map();
  const early = new Map();
  const objectUrls = [];
  const scroller = h('div', { class: 'messages', 'data-testid': 'messages', 'aria-live': 'polite' });
  const compose = h('textarea', { 'data-testid': 'compose', rows: 1, placeholder: 'Write a message', 'aria-label': 'Message', maxlength: 4096 });
  const file = h('input', { type: 'file', 'data-testid': 'attach', class: 'visually-hidden', id: 'attach' });
  const send = h('button', { class: 'btn primary', type: 'submit', 'data-testid': 'send' }, 'Send');
  const form = h('form', { class: 'composer', onsubmit: ev => { ev.preventDefault(); submit(); } },
    h('label', { for: 'attach', class: 'btn ghost attach', title: 'Attach an image or a file' }, icon('attach', 22), h('span', { class: 'visually-hidden' }, 'Attach')),
    file, compose, send);
  compose.addEventListener('keydown', ev => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    }
  });
  file.addEventListener('change', () => { if (file.files.length) submitFile(file.files[0]); });
  const el = h('div', { class: 'convo', 'data-testid': 'conversation', 'data-chat-id': chatId },
    h('header', { class: 'convo-head' },
      h('button', { class: 'btn ghost small back', type: 'button', onclick: back, 'aria-label': 'Back to the chats' }, '←'),
      h('strong', {}, phoneOf(chatId)), h('span', { class: 'muted small' }, `via ${deviceId}`)),
    scroller, form);

  const put = m => {
    const old = messages.get(m.messageId);
    if (old && RANK[old.status] > RANK[m.status]) m.status = old.status;
    const pending = early.get(m.messageId);
    if (pending && RANK[pending] > RANK[m.status]) m.status = pending;
    messages.set(m.messageId, { ...old, ...m });
  };
  const render = () => {
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    const items = [...messages.values()].sort((a, b) => (a.createdAt || '').localeCompare(b.createdAt || ''));
    mount(scroller, items.length ? items.map(bubble) : empty('No messages yet', 'Say hello.'));
    if (atBottom || items.length < 30) scroller.scrollTop = scroller.scrollHeight;
  };
  const bubble = m => {
    const out = m.direction === 'outbound';
    const c = m.content || {};
    const quoted = c.replyTo ? messages.get(c.replyTo) : null;
    return h('div', { class: `msg ${out ? 'out' : 'in'}`, 'data-testid': 'message', 'data-direction': m.direction,
      'data-status': out ? m.status : null, 'data-message-id': m.messageId },
    c.replyTo ? h('div', { class: 'quote' }, quoted ? textOf(quoted) || quoted.type : 'a message') : null,
    media(m),
    textOf(m) ? h('div', { class: 'msg-text', dir: 'auto' }, textOf(m)) : null,
    h('div', { class: 'msg-meta' }, time(m.createdAt),
      out ? h('span', { class: `ticks t-${(m.status || '').toLowerCase()}`, 'data-testid': 'ticks', title: m.status,
        'aria-label': m.status }, TICKS[m.status] || '') : null),
    m.status === 'FAILED' && m.error ? h('div', { class: 'msg-error' }, m.error) : null);
  };
  const media = m => {
    const c = m.content || {};
    if (m.type === 'image' && m.localUrl) return h('img', { class: 'msg-image', alt: c.caption || 'image', src: m.localUrl });
    if (m.type === 'image' && c.mediaId) {
      const img = h('img', { class: 'msg-image', alt: c.caption || 'image' });
      mediaUrl(clientId, deviceId, c.mediaId).then(u => { objectUrls.push(u); img.src = u; }).catch(() => img.replaceWith('📷 image unavailable'));
      return img;
    }
    if (m.type === 'text') return null;
    const label = { image: '📷 Photo', video: '🎬 Video', audio: '🎤 Audio', file: `📄 ${c.fileName || 'File'}`, sticker: 'Sticker',
      location: `📍 ${c.name || 'Location'}`, contact: '👤 Contact', poll: `📊 ${c.question || 'Poll'}`, react: `Reacted ${c.emoji || ''}` }[m.type];
    return h('div', { class: 'msg-media' }, label || m.type);
  };
  const reload = async () => {
    try {
      const data = await api('GET', `${path}/chats/${enc(chatId)}/messages?limit=50`);
      data.items.forEach(put);
      render();
      markRead();
    } catch (e) {
      mount(scroller, errorBox(e));
    }
  };
  const markRead = debounce(() => api('POST', `${path}/chats/${enc(chatId)}/read`).then(changed).catch(() => {}), 300);
  const submit = async () => {
    const text = compose.value;
    if (!text.trim()) return;
    send.disabled = true;
    try {
      const r = await api('POST', `${path}/messages/text`, { to: chatId, text });
      put({ messageId: r.messageId, direction: 'outbound', chatId, type: 'text', status: r.status, content: { text }, createdAt: new Date().toISOString() });
      compose.value = '';
      render();
      changed();
    } catch (e) {
      toast(describe(e), 'error');
    } finally {
      send.disabled = false;
      compose.focus();
    }
  };
  const submitFile = async f => {
    send.disabled = true;
    try {
      const stored = await upload(clientId, deviceId, f);
      const type = stored.mimeType?.startsWith('image/') ? 'image' : 'file';
      const body = { to: chatId, mediaId: stored.mediaId };
      if (compose.value.trim()) body.caption = compose.value;
      if (type === 'file') body.fileName = stored.fileName || f.name;
      const r = await api('POST', `${path}/messages/${type}`, body);
      // The file just sent is shown from the browser's own copy.
      const localUrl = type === 'image' ? URL.createObjectURL(f) : null;
      if (localUrl) objectUrls.push(localUrl);
      put({ messageId: r.messageId, direction: 'outbound', chatId, type, status: r.status, localUrl,
        content: { caption: body.caption, fileName: body.fileName }, createdAt: new Date().toISOString() });
      compose.value = '';
      render();
      toast(`${f.name} sent.`, 'ok');
    } catch (e) {
      toast(describe(e), 'error');
    } finally {
      file.value = '';
      send.disabled = false;
    }
  };
  mount(scroller, h('p', { class: 'muted' }, 'Loading messages…'));
  reload();
  setTimeout(() => compose.focus(), 0);
  return {
    el, reload,
    event(e) {
      const d = e.data;
      if (e.event === 'message') {
        const { messageId, chatId: c, from, type, timestamp, ...content } = d;
        put({ messageId, direction: 'inbound', chatId: c, from, type: type || 'text', content, createdAt: e.timestamp });
        markRead();
      } else if (e.event === 'message_sent' || e.event === 'receipt') {
        const m = messages.get(d.messageId);
        if (!m) {
          early.set(d.messageId, d.status);
          if (e.event === 'message_sent') reload();
          return;
        }
        if (RANK[d.status] > RANK[m.status]) m.status = d.status;
        if (d.error) m.error = d.error;
      }
      render();
    },
    close() {
      markRead.cancel();
      objectUrls.forEach(u => URL.revokeObjectURL(u));
    },
  };
}

function muted(c) {
  return Boolean(c.mutedUntil) && new Date(c.mutedUntil).getTime() > Date.now();
}

function textOf(m) {
  const c = m.content || {};
  return c.text ?? c.caption ?? m.text ?? '';
}
