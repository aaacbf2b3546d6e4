// Manifest list: search, filters, sort, paging, create/edit dialog with per-field errors, delete, batch delete.
import { t, el, formatTime } from '../i18n.js';
import { api, payload, isAdmin, download } from './api.js';
import { confirmAction, show, errorText, emptyRow } from './ui.js';

const FIELDS = [
    { name: 'tracking_number', type: 'text', required: true },
    { name: 'manifest_date', type: 'date', required: true },
    { name: 'transport_code', type: 'text', required: true },
    { name: 'customer_code', type: 'text', required: true },
    { name: 'goods_code', type: 'text', required: true },
    { name: 'package_number', type: 'text' },
    { name: 'weight', type: 'number', step: '0.001' },
    { name: 'length', type: 'number', step: '0.01' },
    { name: 'width', type: 'number', step: '0.01' },
    { name: 'height', type: 'number', step: '0.01' },
    { name: 'special_fee', type: 'number', step: '0.01' }
];
const COLUMNS = ['tracking_number', 'package_number', 'manifest_date', 'customer_code', 'transport_code',
    'goods_code', 'weight', 'updated_at'];

const state = { page: 1, rows: [], pagination: null, selected: new Set(), editing: null, loaded: false };

const filters = document.getElementById('m-filters');
const table = document.getElementById('m-table');
const batchButton = document.getElementById('m-batch-delete');
const dialog = document.getElementById('edit-dialog');
const editForm = document.getElementById('edit-form');

function criteria() {
    const data = new FormData(filters);
    const params = { page: state.page };
    for (const [k, v] of data.entries()) params[k] = String(v).trim();
    return params;
}

let loadSequence = 0;

async function load() {
    // Only the answer to the latest request is shown, whatever order the answers arrive in.
    const mine = ++loadSequence;
    show('m-message', null, null);
    table.setAttribute('aria-busy', 'true');
    try {
        const json = await api('/manifest/search', { params: criteria() });
        if (mine !== loadSequence) return;
        state.rows = Array.isArray(json.data) ? json.data : [];
        state.pagination = json.pagination ?? null;
        state.selected.clear();
        render();
    } catch (error) {
        if (mine === loadSequence && error.status !== 401) show('m-message', 'error', errorText(error));
    } finally {
        if (mine === loadSequence) table.removeAttribute('aria-busy');
    }
}

function sortHeader(column) {
    const sortBy = document.getElementById('f-sort');
    const order = document.getElementById('f-order');
    const sortable = [...sortBy.options].some(o => o.value === column);
    const label = t(`m.${column}`);
    if (!sortable) return el('th', { scope: 'col' }, label);
    const current = sortBy.value === column;
    const ariaSort = current ? (order.value === 'asc' ? 'ascending' : 'descending') : 'none';
    const arrow = current ? (order.value === 'asc' ? ' ▲' : ' ▼') : '';
    return el('th', { scope: 'col', 'aria-sort': ariaSort },
        el('button', { type: 'button', className: 'sort', dataset: { sort: column }, onclick: () => {
            if (current) order.value = order.value === 'asc' ? 'desc' : 'asc';
            else { sortBy.value = column; order.value = 'asc'; }
            state.page = 1;
            load();
        } }, label + arrow));
}

function render() {
    const selectAll = el('input', { type: 'checkbox', id: 'm-select-all', 'aria-label': t('m.selectAll'),
        checked: state.rows.length > 0 && state.rows.every(r => state.selected.has(r.id)),
        onchange: e => {
            state.rows.forEach(r => (e.target.checked ? state.selected.add(r.id) : state.selected.delete(r.id)));
            render();
        } });
    table.tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col' }, selectAll), COLUMNS.map(sortHeader),
        el('th', { scope: 'col' }, t('m.actions'))));
    const body = table.tBodies[0];
    body.replaceChildren();
    if (state.rows.length === 0) body.append(emptyRow(COLUMNS.length + 2));
    for (const row of state.rows) {
        const cells = COLUMNS.map(c => {
            const value = c === 'updated_at' ? formatTime(row[c]) : row[c];
            return el('td', { className: c === 'weight' ? 'num' : (c === 'manifest_date' || c === 'updated_at' ? 'nowrap' : undefined), dataset: { col: c } }, value ?? '');
        });
        body.append(el('tr', { dataset: { id: row.id, number: row.tracking_number } },
            el('td', {}, el('input', { type: 'checkbox', className: 'row-select', 'aria-label': t('m.select', row.tracking_number),
                checked: state.selected.has(row.id),
                onchange: e => { e.target.checked ? state.selected.add(row.id) : state.selected.delete(row.id); renderBatch(); } })),
            cells,
            el('td', {}, el('div', { className: 'button-row', style: 'margin:0' },
                el('button', { type: 'button', className: 'edit', onclick: () => openEditor(row) }, t('m.edit')),
                isAdmin() ? el('button', { type: 'button', className: 'delete danger', onclick: () => remove(row) }, t('m.delete')) : null))));
    }
    const p = state.pagination ?? { page: state.page, total_pages: 1, total_count: state.rows.length, has_prev: false, has_next: false };
    document.getElementById('m-page-info').textContent = t('m.pageInfo', p.page, Math.max(1, p.total_pages), p.total_count);
    document.getElementById('m-prev').disabled = !p.has_prev;
    document.getElementById('m-next').disabled = !p.has_next;
    renderBatch();
}

function renderBatch() {
    batchButton.textContent = t('m.batchDelete', state.selected.size);
    batchButton.disabled = state.selected.size === 0 || !isAdmin();
    batchButton.hidden = !isAdmin();
    document.getElementById('m-new').hidden = !isAdmin();
}

async function remove(row) {
    if (!await confirmAction(t('m.deleteConfirm', row.tracking_number), t('m.delete'))) return;
    try {
        await api(`/manifest/${encodeURIComponent(row.id)}`, { method: 'DELETE', params: { confirm: 'true' } });
        show('flash', 'success', t('m.deleted', 1));
        await load();
    } catch (error) {
        if (error.status !== 401) show('m-message', 'error', errorText(error));
    }
}

batchButton.addEventListener('click', async () => {
    const ids = [...state.selected];
    if (ids.length === 0) return;
    if (!await confirmAction(t('m.batchDeleteConfirm', ids.length), t('m.delete'))) return;
    try {
        const json = await api('/manifest/batch', { method: 'DELETE', body: { ids, confirm: true } });
        show('flash', 'success', t('m.deleted', json.deleted_count ?? ids.length));
        await load();
    } catch (error) {
        if (error.status !== 401) show('m-message', 'error', errorText(error));
    }
});

// ---- editor -------------------------------------------------------------------------------------------

function buildEditorFields() {
    const box = document.getElementById('edit-fields');
    box.replaceChildren();
    for (const f of FIELDS) {
        const id = `e-${f.name}`;
        box.append(el('div', {},
            el('label', { for: id }, t(`m.${f.name}`) + (f.required ? ' *' : '')),
            el('input', { id, name: f.name, type: f.type, step: f.step, required: f.required ? true : undefined,
                'aria-describedby': `${id}-error`, autocomplete: 'off', spellcheck: 'false' }),
            el('p', { className: 'field-error', id: `${id}-error`, dataset: { field: f.name } })));
    }
}

function fillEditor(row) {
    for (const f of FIELDS) {
        const input = document.getElementById(`e-${f.name}`);
        input.value = row?.[f.name] ?? '';
    }
}

function clearFieldErrors() {
    dialog.querySelectorAll('.field-error').forEach(p => { p.textContent = ''; });
    dialog.querySelectorAll('input[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
    show('edit-message', null, null);
    document.getElementById('edit-reload').hidden = true;
}

function openEditor(row) {
    state.editing = row ? { ...row } : null;
    buildEditorFields();
    clearFieldErrors();
    fillEditor(row);
    document.getElementById('edit-title').textContent = row ? t('m.editTitle', row.tracking_number) : t('m.newTitle');
    document.getElementById('edit-save').hidden = !isAdmin();
    dialog.showModal();
    document.getElementById(row ? 'e-package_number' : 'e-tracking_number').focus();
}

function editorValues() {
    const values = {};
    for (const f of FIELDS) {
        const raw = document.getElementById(`e-${f.name}`).value.trim();
        if (f.type === 'number') {
            values[f.name] = raw === '' ? null : raw; // sent as text: the server parses exact decimals
        } else {
            values[f.name] = raw === '' ? null : raw;
        }
    }
    return values;
}

editForm.addEventListener('submit', async event => {
    event.preventDefault();
    clearFieldErrors();
    const values = editorValues();
    const save = document.getElementById('edit-save');
    save.disabled = true;
    try {
        let json;
        if (state.editing) {
            const changes = { version: state.editing.version };
            for (const f of FIELDS) {
                const before = state.editing[f.name] ?? null;
                const after = values[f.name];
                if (String(before ?? '') !== String(after ?? '')) changes[f.name] = numberOrText(f, after);
            }
            json = await api(`/manifest/${encodeURIComponent(state.editing.id)}`, { method: 'PUT', body: changes });
            show('flash', 'success', t('m.saved', payload(json)?.tracking_number ?? state.editing.tracking_number));
        } else {
            const body = {};
            for (const f of FIELDS) body[f.name] = numberOrText(f, values[f.name]);
            json = await api('/manifest', { method: 'POST', body });
            show('flash', 'success', t('m.created', payload(json)?.tracking_number ?? ''));
        }
        dialog.close();
        await load();
    } catch (error) {
        if (error.status === 401) { dialog.close(); return; }
        showEditorError(error);
    } finally {
        save.disabled = false;
    }
});

function numberOrText(field, value) {
    if (value === null || field.type !== 'number') return value;
    const n = Number(value);
    return Number.isFinite(n) && String(n) === value ? n : value;
}

function showEditorError(error) {
    const fields = error.fieldErrors();
    if (error.status === 409 && state.editing && /VERSION|CONFLICT/.test(error.code)) {
        show('edit-message', 'warn', `${t('m.conflict')} ${error.message ? `(${error.message})` : ''}`);
        document.getElementById('edit-reload').hidden = false;
        return;
    }
    if (fields.length > 0) {
        let first = null;
        for (const f of fields) {
            const input = document.getElementById(`e-${f.field}`);
            const slot = dialog.querySelector(`.field-error[data-field="${CSS.escape(f.field)}"]`);
            if (input && slot) {
                input.setAttribute('aria-invalid', 'true');
                slot.textContent = slot.textContent ? `${slot.textContent}; ${f.message || f.code}` : (f.message || f.code);
                first = first ?? input;
            }
        }
        const unplaced = fields.filter(f => !document.getElementById(`e-${f.field}`));
        const extra = unplaced.map(f => `${f.field}: ${f.message || f.code}`).join('; ');
        show('edit-message', 'error', extra ? `${t('m.fixErrors')} ${extra}` : t('m.fixErrors'));
        first?.focus();
        return;
    }
    show('edit-message', 'error', errorText(error));
}

document.getElementById('edit-reload').addEventListener('click', async () => {
    try {
        const fresh = payload(await api(`/manifest/${encodeURIComponent(state.editing.id)}`));
        state.editing = { ...fresh };
        clearFieldErrors();
        fillEditor(fresh);
        show('edit-message', 'info', `${t('m.version')} ${fresh.version}`);
    } catch (error) {
        if (error.status !== 401) show('edit-message', 'error', errorText(error));
    }
});
document.getElementById('edit-cancel').addEventListener('click', () => dialog.close());

// ---- filters and paging -------------------------------------------------------------------------------

filters.addEventListener('submit', event => {
    event.preventDefault();
    state.page = 1;
    load();
});
document.getElementById('m-reset').addEventListener('click', () => {
    filters.reset();
    state.page = 1;
    load();
});
document.getElementById('f-sort').addEventListener('change', () => { state.page = 1; load(); });
document.getElementById('f-order').addEventListener('change', () => { state.page = 1; load(); });
document.getElementById('f-limit').addEventListener('change', () => { state.page = 1; load(); });
document.getElementById('m-prev').addEventListener('click', () => { if (state.page > 1) { state.page--; load(); } });
document.getElementById('m-next').addEventListener('click', () => { state.page++; load(); });
document.getElementById('m-new').addEventListener('click', () => openEditor(null));

/** Exports every manifest matching the current filters (not just this page), in the format the importer reads. */
async function exportAs(format) {
    const params = criteria();
    delete params.page;
    delete params.limit;
    try {
        await download('/manifest/export', { ...params, format }, `manifests.${format}`);
    } catch (error) {
        if (error.status !== 401) show('m-message', 'error', errorText(error));
    }
}
document.getElementById('m-export-csv').addEventListener('click', () => exportAs('csv'));
document.getElementById('m-export-xlsx').addEventListener('click', () => exportAs('xlsx'));

export const manifestsView = {
    enter() { load(); },
    rerender() { render(); if (dialog.open) { /* keep typed values; only titles change */ } }
};
