// Shared pieces of the admin console: confirmation dialog, messages, error texts, tables.
import { t, el } from '../i18n.js';

/** Asks in a modal dialog; resolves true only when the user presses the confirm button. */
export function confirmAction(text, confirmLabel) {
    const dialog = document.getElementById('confirm-dialog');
    document.getElementById('confirm-text').textContent = text;
    const ok = document.getElementById('confirm-ok');
    ok.textContent = confirmLabel || t('admin.confirm');
    return new Promise(resolve => {
        const onClose = () => {
            dialog.removeEventListener('close', onClose);
            resolve(dialog.returnValue === 'ok');
        };
        dialog.returnValue = '';
        dialog.addEventListener('close', onClose);
        dialog.showModal();
        document.getElementById('confirm-cancel').focus();
    });
}

/** Replaces the content of a message area with one alert (kind: error | info | success | warn), or clears it. */
export function show(container, kind, text) {
    const box = typeof container === 'string' ? document.getElementById(container) : container;
    box.replaceChildren();
    if (text) box.append(el('div', { className: `alert ${kind}` }, text));
}

/** The text to show for a failed call: the server's localized message, with the request id for support. */
export function errorText(error) {
    if (error?.status === 0) return t('err.network');
    if (error?.status === 403) return t('admin.forbidden');
    const base = error?.message || t('err.generic');
    // The request id helps support find a server-side failure; for a refusal it is only noise.
    return error?.requestId && error.status >= 500 ? `${base} (request ${error.requestId})` : base;
}

export function duration(seconds) {
    const s = Math.max(1, Math.ceil(Number(seconds)));
    return s >= 120 ? t('admin.minutes', Math.ceil(s / 60)) : t('admin.seconds', s);
}

/** Fills a table head with the given column titles. */
export function tableHead(table, titles) {
    table.tHead.replaceChildren(el('tr', {}, titles.map(title => el('th', { scope: 'col' }, title))));
}

export function emptyRow(columns) {
    return el('tr', {}, el('td', { colSpan: columns, className: 'hint' }, t('admin.noData')));
}

export function text(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
}
