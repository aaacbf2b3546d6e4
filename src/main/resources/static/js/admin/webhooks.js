// Webhooks: register an endpoint (its signing secret is shown once), list with state, test, deliveries log,
// re-enable a disabled endpoint, delete with confirmation. Every value from the server is set as text, never markup.
import { t, el, formatTime, addTexts } from '../i18n.js';
import { api, payload, currentUser, roleOf } from './api.js';
import { show, errorText, emptyRow, tableHead, confirmAction } from './ui.js';

addTexts({
    zh: {
        'admin.tab.webhooks': 'Webhook',
        'wh.heading': 'Webhook 推送',
        'wh.intro': '状态变化（milestone.changed）和集包预警（package.flagged）会签名后推送到这里登记的地址。',
        'wh.add': '添加 Webhook',
        'wh.url': '目标地址（http/https）',
        'wh.events': '事件',
        'wh.event.milestone.changed': '物流状态变化 milestone.changed',
        'wh.event.package.flagged': '集包预警 package.flagged',
        'wh.addButton': '添加',
        'wh.adminOnly': '只有管理员可以添加、测试、启用或删除 Webhook。',
        'wh.created': '已添加 Webhook {0}。',
        'wh.secretOnce': '签名密钥只显示这一次，请立即复制并保存到接收方：',
        'wh.copy': '复制密钥',
        'wh.copied': '已复制',
        'wh.copyFailed': '无法自动复制，请手动选中复制',
        'wh.secretDone': '我已保存',
        'wh.col.url': '目标地址',
        'wh.col.events': '事件',
        'wh.col.state': '状态',
        'wh.col.last': '最近投递',
        'wh.col.pending': '待投递',
        'wh.col.actions': '操作',
        'wh.state.enabled': '已启用',
        'wh.state.disabled': '已停用',
        'wh.failures': '连续失败 {0} 次',
        'wh.disabledSince': '自 {0} 起停用',
        'wh.outcome.delivered': '成功',
        'wh.outcome.failed': '失败',
        'wh.never': '尚未投递',
        'wh.test': '发送测试',
        'wh.tested': '已排队测试事件 {0}。',
        'wh.deliveries': '投递记录',
        'wh.enable': '重新启用',
        'wh.enabled': '已重新启用 Webhook {0}，积压事件将立即重试。',
        'wh.delete': '删除',
        'wh.confirmDelete': '确定删除 Webhook {0}？未投递的事件会一并删除。',
        'wh.deleted': '已删除 Webhook {0}。',
        'wh.deliveriesHeading': '投递记录：{0}',
        'wh.d.time': '时间',
        'wh.d.type': '事件类型',
        'wh.d.event': '事件 ID',
        'wh.d.attempt': '第几次',
        'wh.d.outcome': '结果',
        'wh.d.status': 'HTTP 状态',
        'wh.d.duration': '耗时（毫秒）',
        'wh.d.error': '错误 / 响应',
        'wh.close': '关闭',
        'audit.action.WEBHOOK_CREATE': '添加 Webhook',
        'audit.action.WEBHOOK_DELETE': '删除 Webhook',
        'audit.action.WEBHOOK_TEST': '测试 Webhook',
        'audit.action.WEBHOOK_ENABLE': '启用 Webhook',
        'audit.action.WEBHOOK_DISABLED': 'Webhook 自动停用'
    },
    en: {
        'admin.tab.webhooks': 'Webhooks',
        'wh.heading': 'Webhooks',
        'wh.intro': 'Milestone changes (milestone.changed) and package flags (package.flagged) are signed and sent to the endpoints registered here.',
        'wh.add': 'Add a webhook',
        'wh.url': 'Target URL (http/https)',
        'wh.events': 'Events',
        'wh.event.milestone.changed': 'Milestone changed (milestone.changed)',
        'wh.event.package.flagged': 'Package flagged (package.flagged)',
        'wh.addButton': 'Add',
        'wh.adminOnly': 'Only administrators can add, test, enable or delete webhooks.',
        'wh.created': 'Webhook {0} added.',
        'wh.secretOnce': 'The signing secret is shown only this once; copy it now and store it at the receiver:',
        'wh.copy': 'Copy secret',
        'wh.copied': 'Copied',
        'wh.copyFailed': 'Could not copy automatically; select and copy it by hand',
        'wh.secretDone': 'I have stored it',
        'wh.col.url': 'Target URL',
        'wh.col.events': 'Events',
        'wh.col.state': 'State',
        'wh.col.last': 'Last delivery',
        'wh.col.pending': 'Pending',
        'wh.col.actions': 'Actions',
        'wh.state.enabled': 'Enabled',
        'wh.state.disabled': 'Disabled',
        'wh.failures': '{0} consecutive failures',
        'wh.disabledSince': 'disabled since {0}',
        'wh.outcome.delivered': 'delivered',
        'wh.outcome.failed': 'failed',
        'wh.never': 'not yet delivered',
        'wh.test': 'Send test',
        'wh.tested': 'Test event {0} queued.',
        'wh.deliveries': 'Deliveries',
        'wh.enable': 'Enable again',
        'wh.enabled': 'Webhook {0} enabled again; its held events are retried now.',
        'wh.delete': 'Delete',
        'wh.confirmDelete': 'Delete webhook {0}? Its undelivered events are deleted too.',
        'wh.deleted': 'Webhook {0} deleted.',
        'wh.deliveriesHeading': 'Deliveries: {0}',
        'wh.d.time': 'Time',
        'wh.d.type': 'Event type',
        'wh.d.event': 'Event id',
        'wh.d.attempt': 'Attempt',
        'wh.d.outcome': 'Outcome',
        'wh.d.status': 'HTTP status',
        'wh.d.duration': 'Duration (ms)',
        'wh.d.error': 'Error / response',
        'wh.close': 'Close',
        'audit.action.WEBHOOK_CREATE': 'Webhook added',
        'audit.action.WEBHOOK_DELETE': 'Webhook deleted',
        'audit.action.WEBHOOK_TEST': 'Webhook tested',
        'audit.action.WEBHOOK_ENABLE': 'Webhook enabled',
        'audit.action.WEBHOOK_DISABLED': 'Webhook disabled automatically'
    }
});

const DELIVERIES_LIMIT = 20;
let endpoints = [];
let selected = null; // the endpoint whose deliveries are shown
let deliveries = [];
let deliveriesPage = 1;
let deliveriesPagination = null;
let loadSequence = 0;

function isAdmin() {
    return roleOf(currentUser()) === 'ADMIN';
}

async function load() {
    const mine = ++loadSequence;
    const table = document.getElementById('wh-table');
    table.setAttribute('aria-busy', 'true');
    try {
        const json = await api('/webhooks');
        if (mine !== loadSequence) return;
        endpoints = payload(json) ?? [];
        render();
    } catch (error) {
        if (mine === loadSequence && error.status !== 401) show('wh-message', 'error', errorText(error));
    } finally {
        if (mine === loadSequence) table.removeAttribute('aria-busy');
    }
}

function stateCell(e) {
    const disabled = e.state === 'disabled';
    const badge = el('span', { className: `badge ${disabled ? 'state-problem' : 'state-signed'}`, dataset: { state: e.state } },
        t(`wh.state.${e.state}`));
    const notes = [];
    if (e.consecutive_failures > 0) notes.push(t('wh.failures', e.consecutive_failures));
    if (disabled && e.disabled_at) notes.push(t('wh.disabledSince', formatTime(e.disabled_at)));
    return el('td', {}, badge, notes.length ? el('div', { className: 'hint' }, notes.join(' · ')) : null);
}

function lastCell(e) {
    const last = e.last_delivery;
    if (!last) return el('td', { className: 'hint' }, t('wh.never'));
    return el('td', {}, formatTime(last.at), ' · ', t(`wh.outcome.${last.outcome}`),
        last.status_code ? ` (HTTP ${last.status_code})` : '');
}

function render() {
    const table = document.getElementById('wh-table');
    tableHead(table, [t('wh.col.url'), t('wh.col.events'), t('wh.col.state'), t('wh.col.last'), t('wh.col.pending'),
        t('wh.col.actions')]);
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    if (endpoints.length === 0) tbody.append(emptyRow(6));
    const admin = isAdmin();
    for (const e of endpoints) {
        const actions = el('td', { className: 'button-row' },
            el('button', { type: 'button', className: 'wh-test', disabled: !admin, onclick: () => sendTest(e) }, t('wh.test')),
            el('button', { type: 'button', className: 'wh-deliveries', onclick: () => openDeliveries(e) }, t('wh.deliveries')),
            e.state === 'disabled'
                ? el('button', { type: 'button', className: 'wh-enable', disabled: !admin, onclick: () => enable(e) }, t('wh.enable'))
                : null,
            el('button', { type: 'button', className: 'wh-delete danger', disabled: !admin, onclick: () => remove(e) }, t('wh.delete')));
        tbody.append(el('tr', { dataset: { id: String(e.id), state: e.state } },
            el('td', { className: 'wh-url' }, e.url),
            el('td', {}, (e.events ?? []).join(', ')),
            stateCell(e),
            lastCell(e),
            el('td', { className: 'num' }, String(e.pending_count ?? 0)),
            actions));
    }
    renderForm();
    if (selected) renderDeliveries();
}

function renderForm() {
    const admin = isAdmin();
    document.getElementById('wh-add').disabled = !admin;
    // an admin's last outcome (e.g. "added") stays; a viewer sees why the form is off
    if (!admin) show('wh-form-message', 'info', t('wh.adminOnly'));
}

function markFieldErrors(form, error) {
    form.querySelectorAll('.field-error').forEach(p => { p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
    let placed = false;
    for (const f of error?.fieldErrors?.() ?? []) {
        const slot = form.querySelector(`.field-error[data-field="${CSS.escape(f.field)}"]`);
        if (slot) {
            slot.textContent = f.message || f.code;
            form.querySelector(`[name="${CSS.escape(f.field)}"]`)?.setAttribute('aria-invalid', 'true');
            placed = true;
        }
    }
    return placed;
}

function showSecret(secret) {
    const box = document.getElementById('wh-secret');
    document.getElementById('wh-secret-value').textContent = secret;
    document.getElementById('wh-secret-copy').textContent = t('wh.copy');
    box.hidden = false;
}

function hideSecret() {
    document.getElementById('wh-secret-value').textContent = '';
    document.getElementById('wh-secret').hidden = true;
}

document.getElementById('wh-form').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.target;
    const url = form.elements.url.value.trim();
    const events = [...form.querySelectorAll('input[name="events"]:checked')].map(i => i.value);
    show('wh-form-message', null, null);
    markFieldErrors(form, null);
    hideSecret();
    try {
        const created = payload(await api('/webhooks', { method: 'POST', body: { url, events } }));
        show('wh-form-message', 'success', t('wh.created', created.url));
        showSecret(created.secret);
        form.elements.url.value = '';
        await load();
    } catch (error) {
        if (error.status === 401) return;
        markFieldErrors(form, error);
        show('wh-form-message', 'error', errorText(error));
    }
});

document.getElementById('wh-secret-copy').addEventListener('click', async () => {
    const value = document.getElementById('wh-secret-value').textContent;
    const button = document.getElementById('wh-secret-copy');
    try {
        await navigator.clipboard.writeText(value);
        button.textContent = t('wh.copied');
    } catch {
        // clipboard access needs a secure context or a permission; select the text so the user can copy it
        const range = document.createRange();
        range.selectNodeContents(document.getElementById('wh-secret-value'));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = t('wh.copyFailed');
    }
});
document.getElementById('wh-secret-done').addEventListener('click', hideSecret);

async function sendTest(e) {
    try {
        const d = payload(await api(`/webhooks/${encodeURIComponent(e.id)}/test`, { method: 'POST' }));
        show('wh-message', 'success', t('wh.tested', d.event_id));
        await load();
    } catch (error) {
        if (error.status !== 401) show('wh-message', 'error', errorText(error));
    }
}

async function enable(e) {
    try {
        await api(`/webhooks/${encodeURIComponent(e.id)}/enable`, { method: 'POST' });
        show('wh-message', 'success', t('wh.enabled', e.url));
        await load();
    } catch (error) {
        if (error.status !== 401) show('wh-message', 'error', errorText(error));
    }
}

async function remove(e) {
    if (!(await confirmAction(t('wh.confirmDelete', e.url), t('wh.delete')))) return;
    try {
        await api(`/webhooks/${encodeURIComponent(e.id)}`, { method: 'DELETE' });
        show('wh-message', 'success', t('wh.deleted', e.url));
        if (selected?.id === e.id) closeDeliveries();
        await load();
    } catch (error) {
        if (error.status !== 401) show('wh-message', 'error', errorText(error));
    }
}

async function openDeliveries(e) {
    selected = e;
    deliveriesPage = 1;
    await loadDeliveries();
}

function closeDeliveries() {
    selected = null;
    document.getElementById('wh-deliveries').hidden = true;
}

async function loadDeliveries() {
    if (!selected) return;
    const table = document.getElementById('wh-deliveries-table');
    table.setAttribute('aria-busy', 'true');
    try {
        const json = await api(`/webhooks/${encodeURIComponent(selected.id)}/deliveries`,
            { params: { page: deliveriesPage, limit: DELIVERIES_LIMIT } });
        deliveries = payload(json) ?? [];
        deliveriesPagination = json.pagination ?? null;
        renderDeliveries();
    } catch (error) {
        if (error.status !== 401) show('wh-message', 'error', errorText(error));
    } finally {
        table.removeAttribute('aria-busy');
    }
}

function renderDeliveries() {
    const section = document.getElementById('wh-deliveries');
    section.hidden = false;
    document.getElementById('wh-deliveries-heading').textContent = t('wh.deliveriesHeading', selected.url);
    document.getElementById('wh-deliveries-close').textContent = t('wh.close');
    const table = document.getElementById('wh-deliveries-table');
    tableHead(table, [t('wh.d.time'), t('wh.d.type'), t('wh.d.event'), t('wh.d.attempt'), t('wh.d.outcome'),
        t('wh.d.status'), t('wh.d.duration'), t('wh.d.error')]);
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    if (deliveries.length === 0) tbody.append(emptyRow(8));
    for (const d of deliveries) {
        tbody.append(el('tr', { dataset: { outcome: d.outcome } },
            el('td', { className: 'nowrap' }, formatTime(d.attempted_at)),
            el('td', {}, d.event_type),
            el('td', { className: 'nowrap' }, d.event_id),
            el('td', { className: 'num' }, String(d.attempt)),
            el('td', {}, el('span', { className: `badge ${d.outcome === 'delivered' ? 'state-signed' : 'state-problem'}` },
                t(`wh.outcome.${d.outcome}`))),
            el('td', { className: 'num' }, d.status_code ?? ''),
            el('td', { className: 'num' }, String(d.duration_ms)),
            el('td', {}, [d.error, d.response_body].filter(Boolean).join(' — '))));
    }
    const p = deliveriesPagination ?? { page: deliveriesPage, total_pages: 1, total_count: deliveries.length, has_prev: false, has_next: false };
    document.getElementById('wh-d-page-info').textContent = t('m.pageInfo', p.page, Math.max(1, p.total_pages), p.total_count);
    document.getElementById('wh-d-prev').disabled = !p.has_prev;
    document.getElementById('wh-d-next').disabled = !p.has_next;
}

document.getElementById('wh-d-prev').addEventListener('click', () => { if (deliveriesPage > 1) { deliveriesPage--; loadDeliveries(); } });
document.getElementById('wh-d-next').addEventListener('click', () => { deliveriesPage++; loadDeliveries(); });
document.getElementById('wh-deliveries-close').addEventListener('click', closeDeliveries);

export const webhooksView = {
    enter() { show('wh-form-message', null, null); show('wh-message', null, null); load(); },
    leave() { hideSecret(); },
    rerender() { render(); }
};
