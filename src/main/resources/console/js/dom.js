// Small DOM helpers: h() builds elements, the rest are shared widgets (toast, confirm, copy, empty state).

/** h('div', {class: 'x', 'data-testid': 'y', onclick: fn}, child, [children], 'text') */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    // Through the CSSOM: the console's CSP allows no inline style attributes.
    else if (k === 'style') el.style.cssText = v;
    else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of {@code el}. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function empty(title, hint) {
  return h('div', { class: 'empty', 'data-testid': 'empty' }, h('p', { class: 'empty-title' }, title),
    hint ? h('p', { class: 'muted' }, hint) : null);
}

export function errorBox(error) {
  return h('div', { class: 'error-box', role: 'alert' }, describe(error));
}

export function describe(error) {
  if (!error) return 'Something went wrong.';
  if (error.code) return `${error.message} (${error.code})`;
  return error.message || String(error);
}

let toastArea;
export function toast(message, kind = 'info') {
  if (!toastArea) {
    toastArea = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastArea);
  }
  const t = h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast' }, message);
  toastArea.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 7000 : 3500);
}

/** A modal yes/no question; resolves true when confirmed. */
export function confirmDialog(question, action = 'Delete') {
  return new Promise(resolve => {
    const dialog = h('dialog', { class: 'dialog', 'data-testid': 'confirm-dialog' },
      h('p', {}, question),
      h('div', { class: 'row end' },
        h('button', { class: 'btn', 'data-testid': 'confirm-cancel', onclick: () => dialog.close('no') }, 'Cancel'),
        h('button', { class: 'btn danger', 'data-testid': 'confirm-ok', onclick: () => dialog.close('yes') }, action)));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(dialog.returnValue === 'yes'); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A secret shown once, with a copy button. */
export function secretBox(label, secret) {
  const button = h('button', { class: 'btn small', 'data-testid': 'copy', type: 'button' }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      button.textContent = 'Copied';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
  });
  const code = h('code', { class: 'secret', 'data-testid': 'secret' }, secret);
  return h('div', { class: 'secret-box', 'data-testid': 'secret-box' },
    h('p', { class: 'secret-label' }, label, ' ', h('strong', {}, 'It is shown only this once.')),
    h('div', { class: 'row' }, code, button));
}

export function badge(status) {
  return h('span', { class: `badge st-${String(status || '').toLowerCase()}` }, status || '—');
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function ago(iso) {
  if (!iso) return '—';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return time(iso);
}

/** Calls fn at most once per {@code ms}, trailing. */
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

/** "1 device", "3 devices". */
export function plural(n, word) {
  return `${n ?? 0} ${word}${n === 1 ? '' : 's'}`;
}

/** A phone number from a JID: "15550001111@s.whatsapp.net" -> "+15550001111". */
export function phoneOf(jid) {
  if (!jid) return '';
  const [user, server] = jid.split('@');
  return server === 's.whatsapp.net' ? `+${user}` : jid;
}

const ICONS = {
  attach: 'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5',
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0',
  archive: 'M4 4h16v4H4zM5 8l1 12h12l1-12M10 12h4',
  pin: 'M12 16v6M8 3h8l-1 6 3 4v3H6v-3l3-4z',
  mute: 'M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4M3 3l18 18',
};

/** A small line icon drawn in SVG (no icon font, no emoji font needed). */
export function icon(name, size = 20) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}
