// Package board (集包看板, issue 11.3): packages with parcel counts, milestone, last event and flags, flagged first;
// filters, paging, CSV export of the filtered list, drill-down to the parcels, refresh (ADMIN) through the carrier
// guards. Everything from the server is rendered as text.
import { t, el, formatTime } from '../i18n.js';
import { api, payload, isAdmin, download } from './api.js';
import { show, errorText, emptyRow, tableHead } from './ui.js';

const MILESTONES = ['unknown', 'pending', 'info_received', 'in_transit', 'customs', 'out_for_delivery',
    'available_for_pickup', 'delivered', 'attempt_fail', 'exception', 'returning', 'returned', 'expired'];
const LIMIT = 20;
let page = 1;
let rows = [];
let pagination = null;
let detail = null;
let loadSequence = 0;

function milestoneLabel(m) {
    const key = `pk.milestone.${m}`;
    return t(key) !== key ? t(key) : (m ?? '');
}

function criteria() {
    const value = id => document.getElementById(id).value.trim();
    const flagged = value('pk-flagged');
    const [sortBy, sortOrder] = (value('pk-sort') || ':').split(':');
    return { q: value('pk-q'), milestone: value('pk-milestone'), stale_days: value('pk-stale'),
        flagged, sort_by: sortBy, sort_order: sortOrder, page, limit: LIMIT };
}

async function load() {
    const mine = ++loadSequence; // only the latest request's answer is shown
    const table = document.getElementById('pk-table');
    show('pk-message', null, null);
    table.setAttribute('aria-busy', 'true');
    try {
        const json = await api('/packages', { params: criteria() });
        if (mine !== loadSequence) return;
        rows = payload(json) ?? [];
        pagination = json.pagination ?? null;
        render();
    } catch (error) {
        if (mine === loadSequence && error.status !== 401) show('pk-message', 'error', errorText(error));
    } finally {
        if (mine === loadSequence) table.removeAttribute('aria-busy');
    }
}

function flagBadge(p) {
    if (!p.flagged) return '';
    return el('span', { className: 'badge state state-problem flag', dataset: { reason: p.flag_reason ?? '' } },
        t(`pk.flag.${p.flag_reason}`));
}

function render() {
    const table = document.getElementById('pk-table');
    const admin = isAdmin();
    tableHead(table, [t('pk.package_number'), t('pk.parcel_count'), t('pk.milestone'), t('pk.last_event_time'),
        t('pk.last_event'), t('pk.checked_at'), t('pk.flag'), t('m.actions')]);
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    if (rows.length === 0) tbody.append(emptyRow(8));
    for (const p of rows) {
        const open = el('button', { type: 'button', className: 'link open-package',
            'aria-label': t('pk.open', p.package_number), onclick: () => openDetail(p.package_number) }, p.package_number);
        const actions = el('div', { className: 'button-row' });
        if (admin) {
            actions.append(el('button', { type: 'button', className: 'refresh-package',
                'aria-label': t('pk.refresh.aria', p.package_number), onclick: () => refresh(p.package_number) },
            t('pk.refresh')));
        }
        tbody.append(el('tr', { className: p.flagged ? 'flagged' : null, dataset: { package: p.package_number } },
            el('td', {}, open),
            el('td', { className: 'num' }, String(p.parcel_count)),
            el('td', { className: 'milestone', dataset: { milestone: p.milestone } }, milestoneLabel(p.milestone)),
            el('td', { className: 'nowrap' }, formatTime(p.last_event_time)),
            el('td', {}, p.last_event ?? ''),
            el('td', { className: 'nowrap' }, formatTime(p.checked_at)),
            el('td', {}, flagBadge(p)),
            el('td', {}, actions)));
    }
    const pg = pagination ?? { page, total_pages: 1, total_count: rows.length, has_prev: page > 1, has_next: false };
    document.getElementById('pk-page-info').textContent = t('m.pageInfo', pg.page, Math.max(1, pg.total_pages), pg.total_count);
    document.getElementById('pk-prev').disabled = !pg.has_prev;
    document.getElementById('pk-next').disabled = !pg.has_next;
    renderDetail();
}

async function openDetail(packageNumber) {
    show('pk-detail-message', null, null);
    try {
        detail = payload(await api(`/packages/${encodeURIComponent(packageNumber)}`));
        renderDetail();
        document.getElementById('pk-detail-heading').focus();
    } catch (error) {
        if (error.status !== 401) show('pk-message', 'error', errorText(error));
    }
}

async function refresh(packageNumber) {
    show('pk-message', null, null);
    try {
        const json = await api(`/packages/${encodeURIComponent(packageNumber)}/refresh`, { method: 'POST' });
        const r = json.refresh ?? {};
        const text = r.success ? t(r.cached ? 'pk.refreshed.cached' : 'pk.refreshed', packageNumber)
            : t('pk.refresh.failed', packageNumber, r.error ?? r.error_code ?? '');
        if (detail && detail.summary?.package_number === packageNumber) detail = payload(json);
        await load(); // clears the message area, so the outcome is shown after it
        show('pk-message', r.success ? 'success' : 'warn', text);
    } catch (error) {
        if (error.status !== 401) show('pk-message', 'error', errorText(error));
    }
}

function renderDetail() {
    const panel = document.getElementById('pk-detail');
    if (!detail) {
        panel.hidden = true;
        return;
    }
    panel.hidden = false;
    const s = detail.summary;
    document.getElementById('pk-detail-heading').textContent = t('pk.detail', s.package_number);
    const facts = el('dl', { className: 'more-figures' },
        el('dt', {}, t('pk.parcel_count')), el('dd', {}, String(s.parcel_count)),
        el('dt', {}, t('pk.milestone')), el('dd', { className: 'milestone' }, milestoneLabel(s.milestone)),
        el('dt', {}, t('pk.last_event_time')), el('dd', {}, formatTime(s.last_event_time)),
        el('dt', {}, t('pk.checked_at')), el('dd', {}, formatTime(s.checked_at)),
        el('dt', {}, t('pk.flag')), el('dd', {}, s.flagged ? flagBadge(s) : t('pk.flag.none')));
    const members = el('table', { id: 'pk-members' }, el('thead'), el('tbody'));
    tableHead(members, [t('pk.tracking_number'), t('m.manifest_date'), t('m.customer_code'), t('m.transport_code'),
        t('m.goods_code'), t('m.weight')]);
    for (const m of detail.parcels ?? []) {
        members.tBodies[0].append(el('tr', { dataset: { tracking: m.tracking_number } },
            el('td', {}, m.tracking_number), el('td', {}, m.manifest_date ?? ''), el('td', {}, m.customer_code ?? ''),
            el('td', {}, m.transport_code ?? ''), el('td', {}, m.goods_code ?? ''),
            el('td', { className: 'num' }, m.weight ?? '')));
    }
    const parts = [facts, el('h3', {}, t('pk.members', (detail.parcels ?? []).length)), el('div', { className: 'table-wrap' }, members)];
    if (detail.parcels_truncated) parts.push(el('p', { className: 'hint' }, t('pk.members.truncated', detail.parcels_limit)));
    const result = detail.latest_result;
    parts.push(el('h3', {}, t('pk.latest')));
    if (!result) {
        parts.push(el('p', { className: 'hint' }, t('pk.latest.none')));
    } else {
        parts.push(el('p', {}, `${result.company_name || result.company_code || ''} · ${formatTime(result.received_at)}`));
        parts.push(el('ol', { className: 'timeline' }, (result.tracks ?? []).map(tr => el('li', {},
            el('time', { datetime: tr.time || '' }, tr.time || ''),
            tr.location ? el('span', { className: 'location' }, tr.location, ' ') : null,
            el('span', { className: 'description' }, tr.description || '')))));
    }
    document.getElementById('pk-detail-body').replaceChildren(...parts);
    document.getElementById('pk-detail-refresh').hidden = !isAdmin();
}

function fillMilestones() {
    const select = document.getElementById('pk-milestone');
    const current = select.value;
    select.replaceChildren(el('option', { value: '' }, t('pk.all')),
        ...MILESTONES.map(m => el('option', { value: m }, milestoneLabel(m))));
    select.value = current;
}

async function exportCsv() {
    const params = criteria();
    delete params.page;
    delete params.limit;
    try {
        await download('/packages/export.csv', params, 'packages.csv');
    } catch (error) {
        if (error.status !== 401) show('pk-message', 'error', errorText(error));
    }
}

document.getElementById('pk-filters').addEventListener('submit', event => {
    event.preventDefault();
    page = 1;
    load();
});
document.getElementById('pk-prev').addEventListener('click', () => { if (page > 1) { page--; load(); } });
document.getElementById('pk-next').addEventListener('click', () => { page++; load(); });
document.getElementById('pk-export').addEventListener('click', exportCsv);
document.getElementById('pk-detail-refresh').addEventListener('click', () => {
    if (detail) refresh(detail.summary.package_number);
});
document.getElementById('pk-detail-close').addEventListener('click', () => {
    detail = null;
    renderDetail();
});

export const packagesView = {
    enter() { fillMilestones(); load(); },
    rerender() { fillMilestones(); render(); }
};
