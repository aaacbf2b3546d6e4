// Admin API access: the bearer token lives in sessionStorage; every call sends it. Any 401 (other than a failed
// sign-in) drops the token and sends the page back to the sign-in form with a "session expired" notice.
import { acceptLanguage } from '../i18n.js';

const TOKEN_KEY = 'tt.token';
const USER_KEY = 'tt.user';
const NOTICE_KEY = 'tt.notice';
const EXPIRES_KEY = 'tt.expires';
const LIFETIME_KEY = 'tt.lifetime';

export class ApiError extends Error {
    constructor(status, body, headers) {
        const error = body?.error ?? {};
        super(error.message || `HTTP ${status}`);
        this.status = status;
        this.code = error.code || (status === 0 ? 'NETWORK' : `HTTP_${status}`);
        this.details = error.details;
        this.requestId = error.request_id;
        this.retryAfter = headers?.get?.('Retry-After') ?? null;
    }

    /** Field-level problems of a validation error: [{field, code, message}]. */
    fieldErrors() {
        return Array.isArray(this.details) ? this.details.filter(d => d && d.field) : [];
    }
}

let onUnauthorized = () => {};

export function setUnauthorizedHandler(handler) {
    onUnauthorized = handler;
}

export function token() {
    return sessionStorage.getItem(TOKEN_KEY);
}

export function currentUser() {
    try { return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null'); } catch { return null; }
}

export function saveSession(accessToken, user, expiresInSeconds) {
    sessionStorage.setItem(TOKEN_KEY, accessToken);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user ?? null));
    if (Number.isFinite(Number(expiresInSeconds)) && Number(expiresInSeconds) > 0) {
        sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + Number(expiresInSeconds) * 1000));
        sessionStorage.setItem(LIFETIME_KEY, String(Number(expiresInSeconds) * 1000));
    }
}

export function saveUser(user) {
    sessionStorage.setItem(USER_KEY, JSON.stringify(user ?? null));
}

/** Milliseconds until the token expires, or null when unknown. */
export function remainingMillis() {
    const expires = Number(sessionStorage.getItem(EXPIRES_KEY));
    return expires ? expires - Date.now() : null;
}

let refreshing = null;

/**
 * Sliding session: when the signed-in user acts and less than a third of the token's life is left, trade it
 * for a fresh one (POST /session/refresh). Background polling does not do this, so an idle tab still expires.
 */
async function refreshIfOld() {
    const remaining = remainingMillis();
    const lifetime = Number(sessionStorage.getItem(LIFETIME_KEY));
    if (!token() || remaining === null || !lifetime || remaining <= 0 || remaining > lifetime / 3) return;
    refreshing = refreshing ?? (async () => {
        try {
            const response = await fetch('/api/v1/admin/session/refresh', { method: 'POST', headers: headers() });
            if (response.ok) {
                const body = await response.json();
                if (body.access_token) saveSession(body.access_token, body.user ?? currentUser(), body.expires_in);
            }
        } catch {
            // keep the current token; the next call shows whether it still works
        } finally {
            refreshing = null;
        }
    })();
    await refreshing;
}

export function clearSession(notice) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    sessionStorage.removeItem(EXPIRES_KEY);
    sessionStorage.removeItem(LIFETIME_KEY);
    if (notice) sessionStorage.setItem(NOTICE_KEY, notice); else sessionStorage.removeItem(NOTICE_KEY);
}

/** The notice left by the last sign-out or expiry, read once. */
export function takeNotice() {
    const notice = sessionStorage.getItem(NOTICE_KEY);
    sessionStorage.removeItem(NOTICE_KEY);
    return notice;
}

export function headers(extra = {}) {
    const h = { 'Accept': 'application/json', 'Accept-Language': acceptLanguage(), ...extra };
    const t = token();
    if (t) h['Authorization'] = `Bearer ${t}`;
    return h;
}

function query(params) {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
        if (v !== undefined && v !== null && v !== '') search.append(k, v);
    }
    const s = search.toString();
    return s ? `?${s}` : '';
}

/** Calls /api/v1/admin + path; returns the parsed JSON body or throws ApiError. */
export async function api(path, { method = 'GET', body, params, auth = true, background = false } = {}) {
    if (auth && !background) await refreshIfOld();
    let response;
    try {
        response = await fetch(`/api/v1/admin${path}${query(params)}`, {
            method,
            headers: headers(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            body: body !== undefined ? JSON.stringify(body) : undefined
        });
    } catch (e) {
        throw new ApiError(0, null, null);
    }
    let json = null;
    const text = await response.text();
    if (text) {
        try { json = JSON.parse(text); } catch { json = null; }
    }
    if (!response.ok || json?.success === false) {
        const error = new ApiError(response.status, json, response.headers);
        if (response.status === 401 && auth) {
            onUnauthorized();
        }
        throw error;
    }
    return json;
}

/**
 * Multipart upload with XMLHttpRequest so the page can show upload progress (fetch cannot report it).
 * onProgress receives 0–100.
 */
export function upload(path, formData, onProgress) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `/api/v1/admin${path}`);
        for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
        xhr.upload.addEventListener('progress', e => {
            if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
        });
        xhr.addEventListener('load', () => {
            let json = null;
            try { json = JSON.parse(xhr.responseText); } catch { json = null; }
            const headerGetter = { get: name => xhr.getResponseHeader(name) };
            if (xhr.status >= 200 && xhr.status < 300 && json?.success !== false) {
                onProgress(100);
                resolve(json);
            } else {
                if (xhr.status === 401) onUnauthorized();
                reject(new ApiError(xhr.status, json, headerGetter));
            }
        });
        xhr.addEventListener('error', () => reject(new ApiError(0, null, null)));
        xhr.send(formData);
    });
}

/** Downloads an authenticated file (e.g. the import template) through a temporary object URL. */
export async function download(path, params, fallbackName) {
    const response = await fetch(`/api/v1/admin${path}${query(params)}`, { headers: headers() });
    if (!response.ok) {
        let json = null;
        try { json = await response.json(); } catch { json = null; }
        if (response.status === 401) onUnauthorized();
        throw new ApiError(response.status, json, response.headers);
    }
    const blob = await response.blob();
    const disposition = response.headers.get('Content-Disposition') || '';
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    const name = match ? decodeURIComponent(match[1]) : fallbackName;
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The payload of a success body: {success, data} → data; a flat body stays as it is. */
export function payload(json) {
    return json && typeof json === 'object' && 'data' in json && json.data !== undefined ? json.data : json;
}

/** The signed-in user's role, whether the server sends {role: "ADMIN"} or {roles: ["ADMIN"]}. */
export function roleOf(user) {
    if (!user) return null;
    if (user.role) return String(user.role).replace(/^ROLE_/, '');
    if (Array.isArray(user.roles)) return user.roles.map(r => String(r).replace(/^ROLE_/, '')).includes('ADMIN') ? 'ADMIN' : 'VIEWER';
    return null;
}

export function isAdmin() {
    return (roleOf(currentUser()) ?? 'ADMIN') === 'ADMIN';
}
