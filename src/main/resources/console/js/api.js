// The session (only the JWT, in sessionStorage), every call to the REST API, and renewing the JWT.

const STORE = 'switchboard.session';
const TTL_SECONDS = 900;
const RENEW_BEFORE_MS = 120_000;

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let renewTimer = null;
const expiredListeners = [];
const renewedListeners = [];

export const session = {
  /** {token, expiresAt, scope, clientId}: clientId is null for the master key. */
  get() {
    try {
      const s = JSON.parse(sessionStorage.getItem(STORE));
      return s && s.token ? s : null;
    } catch {
      return null;
    }
  },
  isMaster() {
    return this.get()?.scope === 'master';
  },
  clientId() {
    return this.get()?.clientId ?? null;
  },
  save(data) {
    const clientId = data.scope === 'master' ? null : data.scope.replace(/^client:/, '');
    sessionStorage.setItem(STORE, JSON.stringify({ token: data.token, expiresAt: data.expiresAt, scope: data.scope, clientId }));
    scheduleRenewal();
  },
  clear() {
    clearTimeout(renewTimer);
    sessionStorage.removeItem(STORE);
  },
};

/** Listeners hear when the session ends on its own (expired, revoked): the app goes back to the login. */
export function onExpired(fn) { expiredListeners.push(fn); }
export function onRenewed(fn) { renewedListeners.push(fn); }

export function expire(message) {
  if (!session.get()) return;
  session.clear();
  expiredListeners.forEach(fn => fn(message));
}

/** Exchanges a key for a JWT; the key itself is never stored. */
export async function login(key) {
  const data = await request('POST', '/api/auth/token', { ttlSeconds: TTL_SECONDS }, { 'x-api-key': key });
  session.save(data);
  return session.get();
}

function scheduleRenewal() {
  clearTimeout(renewTimer);
  const s = session.get();
  if (!s) return;
  const wait = Math.max(5_000, new Date(s.expiresAt).getTime() - Date.now() - RENEW_BEFORE_MS);
  renewTimer = setTimeout(renew, wait);
}

async function renew() {
  try {
    session.save(await api('POST', '/api/auth/token', { ttlSeconds: TTL_SECONDS }));
    renewedListeners.forEach(fn => fn());
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) setTimeout(renew, 10_000);
  }
}

/** Resumes a session kept in this tab (a reload): an expired one ends at once. */
export function resume() {
  const s = session.get();
  if (!s) return null;
  if (new Date(s.expiresAt).getTime() <= Date.now()) {
    session.clear();
    return 'expired';
  }
  scheduleRenewal();
  return s;
}

/** A call with the session's JWT; a 401 ends the session. */
export async function api(method, path, body) {
  const s = session.get();
  if (!s) throw new ApiError(401, 'UNAUTHORIZED', 'not signed in');
  try {
    return await request(method, path, body, { authorization: `Bearer ${s.token}` });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      expire('Your session has expired or its key was revoked. Sign in again.');
    }
    throw e;
  }
}

/** Uploads a file for a device (multipart field "file"): the media record. */
export async function upload(clientId, deviceId, file) {
  const form = new FormData();
  form.append('file', file, file.name);
  const s = session.get();
  const res = await fetch(`/api/clients/${enc(clientId)}/devices/${enc(deviceId)}/media`, {
    method: 'POST', headers: { authorization: `Bearer ${s?.token}` }, body: form,
  });
  return unwrap(res);
}

/** Bytes of a stored media file as an object URL (images need the JWT, so no plain <img src>). */
export async function mediaUrl(clientId, deviceId, mediaId) {
  const s = session.get();
  const res = await fetch(`/api/clients/${enc(clientId)}/devices/${enc(deviceId)}/media/${enc(mediaId)}`,
    { headers: { authorization: `Bearer ${s?.token}` } });
  if (!res.ok) throw new ApiError(res.status, 'MEDIA', 'media not available');
  return URL.createObjectURL(await res.blob());
}

async function request(method, path, body, headers) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'The node cannot be reached. Check your connection.');
  }
  return unwrap(res);
}

async function unwrap(res) {
  let json = null;
  try {
    json = await res.json();
  } catch {
    // not JSON: handled below
  }
  if (json && json.success) return json.data;
  const err = json?.error;
  throw new ApiError(res.status, err?.code || `HTTP_${res.status}`, err?.message || res.statusText || 'request failed', err?.details);
}

export function enc(s) {
  return encodeURIComponent(s);
}

/** The base path of a client's API: /api/clients/:clientId */
export function clientPath(clientId) {
  return `/api/clients/${enc(clientId)}`;
}
