// Manifest import: choose a file → preview (validated, nothing stored) → confirm → upload progress (XHR) →
// job progress (polling /upload/jobs/{id}) → result statistics. Template downloads need the bearer token.
import { t, el } from '../i18n.js';
import { upload, api, payload, download } from './api.js';
import { confirmAction, show, errorText, emptyRow } from './ui.js';

const POLL_MS = 400;
const PREVIEW_COLUMNS = ['tracking_number', 'manifest_date', 'package_number', 'customer_code', 'transport_code',
    'goods_code', 'weight'];

const fileInput = document.getElementById('u-file');
const previewButton = document.getElementById('u-preview');
const saveButton = document.getElementById('u-save');
let previewed = null; // {file, body} of the last successful preview
let lastResult = null;

/** The page's label of an API field name (tracking_number → 快递单号), or the name itself. */
function fieldLabel(field) {
    const key = `m.${field}`;
    return t(key) === key ? field : t(key);
}

function first(...values) {
    return values.find(v => v !== undefined && v !== null);
}

function setUploadProgress(percent) {
    document.getElementById('u-upload-progress').hidden = false;
    document.getElementById('u-upload-bar').value = percent;
    document.getElementById('u-upload-text').textContent = percent >= 100 ? t('u.uploaded') : t('u.uploading', percent);
}

function setJobProgress(processed, total, percent) {
    document.getElementById('u-job-progress').hidden = false;
    const p = Math.max(0, Math.min(100, Math.round(first(percent, total ? (processed / total) * 100 : 0))));
    document.getElementById('u-job-bar').value = p;
    document.getElementById('u-job-text').textContent = t('u.processing', processed ?? 0, total ?? '?', p);
}

function resetProgress() {
    document.getElementById('u-upload-progress').hidden = true;
    document.getElementById('u-job-progress').hidden = true;
    document.getElementById('u-upload-bar').value = 0;
    document.getElementById('u-job-bar').value = 0;
}

function formData(file, previewOnly) {
    const data = new FormData();
    data.append('file', file);
    data.append('preview_only', previewOnly ? 'true' : 'false');
    // Saving always runs as a job, so even a small file shows its processing progress.
    if (!previewOnly) data.append('async', 'true');
    return data;
}

function statistics(body) {
    const d = payload(body) ?? {};
    return first(d.statistics, body?.statistics, d.result?.statistics, {}) ?? {};
}

function errorsOf(body) {
    const d = payload(body) ?? {};
    const list = first(d.errors, body?.errors, d.result?.errors, []);
    return Array.isArray(list) ? list : [];
}

function renderPreview(body) {
    const d = payload(body) ?? {};
    const stats = statistics(body);
    document.getElementById('u-preview-section').hidden = false;
    document.getElementById('u-stats').textContent = t('u.stats', stats.total_rows ?? 0, stats.valid_rows ?? 0,
        stats.invalid_rows ?? 0, stats.duplicate_rows ?? 0);
    const rows = first(d.rows, d.preview, d.preview_rows, d.sample, []) ?? [];
    const errors = errorsOf(body);
    const byRow = new Map();
    for (const e of errors) {
        if (!byRow.has(e.row)) byRow.set(e.row, []);
        byRow.get(e.row).push(e);
    }
    const table = document.getElementById('u-preview-table');
    table.tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col' }, t('u.row')), el('th', { scope: 'col' }, t('u.status')),
        PREVIEW_COLUMNS.map(c => el('th', { scope: 'col' }, t(`m.${c}`))), el('th', { scope: 'col' }, t('u.errors'))));
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    if (rows.length === 0) tbody.append(emptyRow(PREVIEW_COLUMNS.length + 3));
    for (const r of rows) {
        const number = first(r.row, r.row_number, r.line);
        const values = first(r.data, r.values, r.manifest, r) ?? {};
        const rowErrors = first(r.errors, byRow.get(number), []) ?? [];
        const status = String(first(r.status, rowErrors.length ? 'invalid' : 'valid')).toLowerCase();
        const statusText = t(`u.status.${status}`) === `u.status.${status}` ? status : t(`u.status.${status}`);
        tbody.append(el('tr', { className: status === 'valid' ? '' : 'invalid', dataset: { row: number ?? '', status } },
            el('td', { className: 'num' }, number ?? ''),
            el('td', {}, statusText),
            PREVIEW_COLUMNS.map(c => el('td', { className: c === 'manifest_date' ? 'nowrap' : undefined }, values[c] ?? '')),
            el('td', { className: 'row-errors' }, rowErrors.map(e => `${e.field ? `${fieldLabel(e.field)}: ` : ''}${e.message || e.code}`).join('; '))));
    }
    document.getElementById('u-errors-heading').textContent = t('u.errorList', errors.length);
    const errorTable = document.getElementById('u-errors-table');
    errorTable.tHead.replaceChildren(el('tr', {}, [t('u.row'), t('u.field'), t('u.code'), t('u.message')].map(h => el('th', { scope: 'col' }, h))));
    errorTable.tBodies[0].replaceChildren(...(errors.length ? errors.map(e => el('tr', {},
        el('td', { className: 'num' }, e.row ?? ''), el('td', {}, e.field ? fieldLabel(e.field) : ''), el('td', {}, e.code ?? ''), el('td', {}, e.message ?? '')))
        : [emptyRow(4)]));
}

function renderResult(result) {
    lastResult = result;
    if (!result) return;
    const s = first(result.statistics, {}) ?? {};
    const get = key => first(result[key], s[key], 0);
    document.getElementById('u-result').hidden = false;
    document.getElementById('u-result-text').textContent = t('u.result', get('inserted'), get('updated'),
        get('unchanged'), first(result.invalid_rows, s.invalid_rows, result.invalid, 0),
        first(result.duplicate_rows, s.duplicate_rows, result.duplicates, 0));
}

previewButton.addEventListener('click', async () => {
    const file = fileInput.files[0];
    show('u-message', null, null);
    document.getElementById('u-result').hidden = true;
    if (!file) {
        show('u-message', 'error', t('u.noFile'));
        fileInput.focus();
        return;
    }
    resetProgress();
    previewButton.disabled = true;
    saveButton.disabled = true;
    try {
        const body = await upload('/manifest/upload', formData(file, true), setUploadProgress);
        previewed = { file, body };
        renderPreview(body);
        saveButton.disabled = (statistics(body).valid_rows ?? 1) === 0;
    } catch (error) {
        previewed = null;
        document.getElementById('u-preview-section').hidden = true;
        if (error.status !== 401) show('u-message', 'error', errorText(error));
    } finally {
        previewButton.disabled = false;
    }
});

saveButton.addEventListener('click', async () => {
    if (!previewed) return;
    if (!await confirmAction(t('u.saveConfirm', previewed.file.name), t('u.save'))) return;
    resetProgress();
    saveButton.disabled = true;
    previewButton.disabled = true;
    show('u-message', null, null);
    try {
        const body = await upload('/manifest/upload', formData(previewed.file, false), setUploadProgress);
        const d = payload(body) ?? {};
        const jobId = first(d.job_id, body.job_id, d.job?.id, d.job?.job_id);
        const result = jobId ? await followJob(jobId) : first(d.result, d);
        renderResult(result);
        if (String(result?.state ?? '').toUpperCase() === 'FAILED') {
            show('u-message', 'error', t('u.failed', result.failure?.message ?? result.failure?.code ?? ''));
        } else {
            show('u-message', 'success', t('u.done'));
        }
        previewed = null;
    } catch (error) {
        saveButton.disabled = false;
        if (error.status !== 401) show('u-message', 'error', t('u.failed', errorText(error)));
    } finally {
        previewButton.disabled = false;
    }
});

/** Polls the job until it is finished; resolves with its result, rejects when the job failed. */
async function followJob(jobId) {
    setJobProgress(0, null, 0);
    for (;;) {
        const job = payload(await api(`/manifest/upload/jobs/${encodeURIComponent(jobId)}`)) ?? {};
        const processed = first(job.processed_rows, job.rows_processed, job.processed, 0);
        const total = first(job.total_rows, job.rows_total, job.total, null);
        setJobProgress(processed, total, first(job.percent, job.progress));
        const status = String(first(job.status, job.state, '')).toLowerCase();
        if (['completed', 'complete', 'done', 'succeeded', 'success', 'finished'].includes(status)) {
            setJobProgress(first(total, processed), total, 100);
            return first(job.result, job);
        }
        if (['failed', 'error', 'cancelled'].includes(status)) {
            if (job.result) return job.result; // the report says what was saved before the failure
            const err = new Error(first(job.error?.message, job.error, job.message, status));
            err.status = 500;
            throw err;
        }
        await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
}

async function template(format) {
    show('u-message', null, null);
    try {
        await download('/manifest/template/download', { format }, `manifest-template.${format}`);
    } catch (error) {
        if (error.status !== 401) show('u-message', 'error', errorText(error));
    }
}
document.getElementById('u-template-csv').addEventListener('click', () => template('csv'));
document.getElementById('u-template-xlsx').addEventListener('click', () => template('xlsx'));
fileInput.addEventListener('change', () => {
    previewed = null;
    saveButton.disabled = true;
    document.getElementById('u-preview-section').hidden = true;
    document.getElementById('u-result').hidden = true;
    resetProgress();
    show('u-message', null, null);
});

export const uploadView = {
    enter() {},
    rerender() {
        if (previewed) renderPreview(previewed.body);
        if (lastResult) renderResult(lastResult);
    }
};
