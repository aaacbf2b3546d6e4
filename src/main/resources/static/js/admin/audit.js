// Audit log: who did what, when, to which target; filter by user and action; paged.
import { t, el, formatTime } from '../i18n.js';
import { api, payload } from './api.js';
import { show, errorText, emptyRow, tableHead, text } from './ui.js';

const LIMIT = 50;
let page = 1;
let rows = [];
let pagination = null;

let loadSequence = 0;

async function load() {
    const mine = ++loadSequence; // only the latest request's answer is shown
    const table = document.getElementById('a-table');
    show('a-message', null, null);
    table.setAttribute('aria-busy', 'true');
    try {
        const json = await api('/audit', { params: {
            page, limit: LIMIT,
            username: document.getElementById('a-username').value.trim(),
            action: document.getElementById('a-action').value.trim()
        } });
        if (mine !== loadSequence) return;
        const d = payload(json);
        rows = Array.isArray(d) ? d : (d?.items ?? d?.entries ?? []);
        pagination = json.pagination ?? d?.pagination ?? null;
        render();
    } catch (error) {
        if (mine === loadSequence && error.status !== 401) show('a-message', 'error', errorText(error));
    } finally {
        if (mine === loadSequence) table.removeAttribute('aria-busy');
    }
}

/** The page's label of an audit action code (LOGIN → 登录); an unknown code is shown as it is. */
function actionLabel(code) {
    const key = `audit.action.${code}`;
    return code && t(key) !== key ? t(key) : (code ?? '');
}

function render() {
    const table = document.getElementById('a-table');
    tableHead(table, [t('a.time'), t('a.username'), t('a.action'), t('a.target'), t('a.summary')]);
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    if (rows.length === 0) tbody.append(emptyRow(5));
    for (const r of rows) {
        const summary = r.summary ?? [r.before, r.after].filter(Boolean).map(text).join(' → ');
        tbody.append(el('tr', { dataset: { action: r.action ?? '' } },
            el('td', {}, formatTime(r.occurred_at ?? r.timestamp ?? r.created_at ?? r.time)),
            el('td', {}, r.username ?? ''),
            el('td', { title: r.action ?? '' }, actionLabel(r.action)),
            el('td', {}, r.target ?? ''),
            el('td', {}, text(summary))));
    }
    const p = pagination ?? { page, total_pages: 1, total_count: rows.length, has_prev: page > 1, has_next: false };
    document.getElementById('a-page-info').textContent = t('m.pageInfo', p.page, Math.max(1, p.total_pages), p.total_count);
    document.getElementById('a-prev').disabled = !p.has_prev;
    document.getElementById('a-next').disabled = !p.has_next;
}

document.getElementById('a-filters').addEventListener('submit', event => {
    event.preventDefault();
    page = 1;
    load();
});
document.getElementById('a-prev').addEventListener('click', () => { if (page > 1) { page--; load(); } });
document.getElementById('a-next').addEventListener('click', () => { page++; load(); });

const ACTIONS = ['LOGIN', 'LOGIN_FAILED', 'LOGIN_REJECTED_LOCKED', 'ACCOUNT_LOCKED', 'LOGOUT', 'SESSION_REFRESH',
    'PASSWORD_CHANGE', 'PASSWORD_CHANGE_FAILED', 'USER_CREATE', 'MANIFEST_CREATE', 'MANIFEST_UPDATE', 'MANIFEST_DELETE',
    'MANIFEST_BATCH_DELETE', 'MANIFEST_UPLOAD', 'SYNC_CLEAR_PENDING', 'SYNC_FORCE_SYNC', 'SYNC_INVALIDATE_CACHE'];

/** Suggestions for the action filter: the codes the server filters by, labelled in the page language. */
function fillActionChoices() {
    document.getElementById('a-actions').replaceChildren(...ACTIONS.map(code => el('option', { value: code }, actionLabel(code))));
}

export const auditView = { enter() { fillActionChoices(); load(); }, rerender() { fillActionChoices(); render(); } };
