// The one live feed: a WebSocket on /api/events/ws?token=<JWT>, reconnected with backoff when it drops.

import { api, clientPath, session, expire } from './api.js';

const listeners = new Set();
const stateListeners = new Set();
let socket = null;
let attempt = 0;
let retryTimer = null;
let wanted = false;
let state = 'offline';

/** fn(envelope) for every event; returns the unsubscribe function. */
export function onEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** fn(state) with 'connecting' | 'live' | 'offline'; hears the current one at once. */
export function onState(fn) {
  stateListeners.add(fn);
  fn(state);
  return () => stateListeners.delete(fn);
}

export function start() {
  wanted = true;
  connect();
}

export function stop() {
  wanted = false;
  clearTimeout(retryTimer);
  if (socket) {
    const s = socket;
    socket = null;
    s.close(1000, 'signed out');
  }
  setState('offline');
}

/** A new JWT: the old feed would be closed (4401) when the old token expires, so open one with the new. */
export function restart() {
  if (!wanted) return;
  const old = socket;
  socket = null;
  old?.close(1000, 'token renewed');
  attempt = 0;
  connect();
}

function connect() {
  clearTimeout(retryTimer);
  const s = session.get();
  if (!wanted || !s) return;
  setState('connecting');
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/api/events/ws?token=${encodeURIComponent(s.token)}`);
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    if (socket !== ws) return;
    opened = true;
    const again = attempt > 0;
    attempt = 0;
    setState('live');
    // Events during the gap are lost to the feed: pages reload what they show.
    if (again) dispatch({ event: 'feed_reconnected' });
  };
  ws.onmessage = msg => {
    if (socket !== ws) return;
    try {
      dispatch(JSON.parse(msg.data));
    } catch {
      // a frame that is not an envelope is ignored
    }
  };
  ws.onclose = ev => {
    if (socket !== ws) return;
    socket = null;
    if (ev.code === 4401 || (!opened && !session.get())) {
      expire('Your session has expired or its key was revoked. Sign in again.');
      return;
    }
    setState('offline');
    // A refused upgrade looks like any dropped connection: ask the API whether the token still holds
    // (a 401 there ends the session).
    if (!opened) api('GET', s.clientId ? clientPath(s.clientId) : '/api/clients?limit=1').catch(() => {});
    // 0.5 s doubling to 15 s, with jitter, so a restarted node is not hit by every console at once.
    const delay = Math.min(15_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt++;
    if (wanted) retryTimer = setTimeout(connect, delay);
  };
}

function dispatch(envelope) {
  for (const fn of [...listeners]) {
    try {
      fn(envelope);
    } catch (e) {
      console.error('live event handler failed', e);
    }
  }
}

function setState(next) {
  state = next;
  stateListeners.forEach(fn => fn(next));
}
