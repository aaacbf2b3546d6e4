// Public query page: one or many tracking numbers → /api/v1/tracking/query or /batch-query, results as cards.
// A single number asks for its journey (both legs of a linked number); a batch never does (carrier budget).
// Everything from the input or the server is rendered as text (textContent), never as HTML.
import { t, applyTexts, bindLanguageSwitch, acceptLanguage, el, formatTime } from './i18n.js';
import { journeyView, sortedTracks } from './journey.js';

const MAX_BATCH = 50;
const form = document.getElementById('query-form');
const input = document.getElementById('numbers');
const queryButton = document.getElementById('query-button');
const clearButton = document.getElementById('clear-button');
const status = document.getElementById('status');
const message = document.getElementById('message');
const results = document.getElementById('results');

let lastRender = null; // re-renders the current results after a language switch

applyTexts();
bindLanguageSwitch(document.getElementById('lang-switch'), () => { if (lastRender) lastRender(); });

/** Splits the input on new lines, commas (also full-width), semicolons and spaces; drops empties and repeats. */
export function splitNumbers(text) {
    const seen = new Set();
    const out = [];
    for (const part of text.split(/[\s,，;；、]+/)) {
        const cleaned = part.trim().toUpperCase();
        if (cleaned && !seen.has(cleaned)) {
            seen.add(cleaned);
            out.push(part.trim());
        }
    }
    return out;
}

/** The same rule as the server (TrackingNumbers.problem): letters and digits, 6–50, after trimming. */
function problem(raw) {
    const cleaned = raw.trim().toUpperCase();
    if (!cleaned) return 'REQUIRED';
    if (cleaned.length < 6) return 'TOO_SHORT';
    if (cleaned.length > 50) return 'TOO_LONG';
    if (!/^[A-Z0-9]+$/.test(cleaned)) return 'INVALID_CHARACTERS';
    return null;
}

function showMessage(kind, text) {
    message.replaceChildren();
    if (text) message.append(el('div', { className: `alert ${kind}` }, text));
}

function setLoading(on) {
    queryButton.disabled = on;
    input.setAttribute('aria-busy', on ? 'true' : 'false');
    status.replaceChildren();
    if (on) status.append(el('div', { className: 'alert info', id: 'loading' }, el('span', { className: 'spinner', 'aria-hidden': 'true' }), t('public.loading')));
}

async function post(path, body) {
    const response = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'Accept-Language': acceptLanguage() },
        body: JSON.stringify(body)
    });
    let json = null;
    try { json = await response.json(); } catch { /* not JSON: handled below */ }
    return { status: response.status, json, retryAfter: response.headers.get('Retry-After') };
}

/** A friendly text for a failed result or error body, by error code; the server's own text as a fallback. */
function friendlyError(code, serverText, retryAfter) {
    if (code === 'RATE_LIMITED' && retryAfter) return t('err.RATE_LIMITED.wait', retryAfter);
    const key = `err.${code}`;
    const text = t(key);
    if (text !== key) return text;
    return serverText || t('err.generic');
}

function stateClass(info) {
    if (info.is_signed) return 'state-signed';
    const state = String(info.state ?? '');
    if (['2', '4', '6', '14'].includes(state)) return 'state-problem'; // 疑难, 退签, 退回, 拒签 in Kuaidi100 codes
    if (['0', '1', '5', '7', '8', '10', '11', '12', '13'].includes(state)) return 'state-transit';
    return 'state-other';
}

function resultCard(result) {
    const number = result.original_tracking_number || result.cleaned_tracking_number || '';
    const info = result.tracking_info || null;
    const card = el('article', { className: 'result-card', dataset: { number: result.cleaned_tracking_number || number } });
    const badges = el('div', { className: 'badges' });
    if (info && (info.state_text || info.state !== undefined)) {
        badges.append(el('span', { className: `badge state ${stateClass(info)}` }, info.state_text || (info.is_signed ? t('public.signed') : String(info.state))), ' ');
    }
    if (result.simulated) {
        badges.append(el('span', { className: 'badge demo', title: t('public.demo.title') }, t('public.demo')), ' ');
    }
    if (result.stale) badges.append(el('span', { className: 'badge demo', title: t('public.stale.title') }, t('public.stale')), ' ');
    if (result.cached) badges.append(el('span', { className: 'badge cached' }, t('public.cached')));
    card.append(el('header', {}, el('h2', { className: 'number' }, number), badges));

    if (result.has_package_association) {
        const pkg = result.manifest_info?.package_number || result.query_tracking_number;
        card.append(el('p', { className: 'package-link' }, t('public.linked', pkg)));
    }
    if (!result.success) {
        card.append(el('div', { className: 'alert error result-error', dataset: { code: result.error_code || '' } },
            friendlyError(result.error_code, result.error)));
        return card;
    }
    const dl = el('dl');
    if (info) dl.append(el('dt', {}, t('public.company')), el('dd', { className: 'company' }, info.company_name || info.company_code || ''));
    if (result.query_tracking_number && result.query_tracking_number !== result.cleaned_tracking_number) {
        dl.append(el('dt', {}, t('public.queried')), el('dd', {}, result.query_tracking_number));
    }
    if (result.query_time) dl.append(el('dt', {}, t('public.queryTime')), el('dd', {}, formatTime(result.query_time)));
    card.append(dl);
    if (result.journey) {
        card.append(journeyView(result));
        return card;
    }
    card.append(el('h3', {}, t('public.timeline')));
    const tracks = sortedTracks(info?.tracks);
    if (tracks.length === 0) {
        card.append(el('p', { className: 'hint' }, t('public.noTracks')));
    } else {
        card.append(el('ol', { className: 'timeline' }, tracks.map(tr =>
            el('li', {}, el('time', { datetime: tr.time || '' }, tr.time || ''),
                tr.location ? el('span', { className: 'location' }, tr.location, ' ') : null,
                el('span', { className: 'description' }, tr.description || '')))));
    }
    return card;
}

function renderResults(list, summary) {
    results.replaceChildren();
    if (summary) results.append(el('p', { className: 'hint', id: 'summary' }, summary()));
    for (const r of list) results.append(r.invalid ? invalidCard(r) : resultCard(r));
}

function invalidCard(r) {
    return el('article', { className: 'result-card' }, el('h2', { className: 'number' }, r.raw),
        el('div', { className: 'alert error result-error', dataset: { code: 'INVALID_TRACKING_NUMBER' } },
            t('public.invalid', r.raw, t(`public.invalid.${r.problem}`))));
}

async function query() {
    const numbers = splitNumbers(input.value);
    showMessage(null, null);
    results.replaceChildren();
    lastRender = null;
    if (numbers.length === 0) {
        showMessage('error', t('public.empty'));
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
    }
    if (numbers.length > MAX_BATCH) {
        showMessage('error', t('public.tooMany', MAX_BATCH));
        input.setAttribute('aria-invalid', 'true');
        return;
    }
    const invalid = numbers.filter(n => problem(n)).map(n => ({ invalid: true, raw: n, problem: problem(n) }));
    const valid = numbers.filter(n => !problem(n));
    input.setAttribute('aria-invalid', invalid.length ? 'true' : 'false');
    if (valid.length === 0) {
        lastRender = () => { showMessage('error', t('err.INVALID_TRACKING_NUMBER')); renderResults(invalid); };
        lastRender();
        return;
    }
    setLoading(true);
    try {
        let list;
        let summary = null;
        if (valid.length === 1 && invalid.length === 0) {
            const { status: code, json, retryAfter } = await post('/api/v1/tracking/query', { tracking_number: valid[0], include_journey: true });
            if (code >= 400 || !json || json.error?.code) {
                lastRender = () => showMessage('error', friendlyError(json?.error?.code, json?.error?.message, retryAfter));
                lastRender();
                return;
            }
            list = [json];
        } else {
            const { status: code, json, retryAfter } = await post('/api/v1/tracking/batch-query', { tracking_numbers: valid });
            if (code >= 400 || !json || !Array.isArray(json.results)) {
                lastRender = () => {
                    showMessage('error', friendlyError(json?.error?.code, json?.error?.message, retryAfter));
                    renderResults(invalid);
                };
                lastRender();
                return;
            }
            list = [...json.results, ...invalid];
            const total = json.total + invalid.length;
            const ok = json.success_count;
            const failed = json.failed_count + invalid.length;
            summary = () => t('public.summary', total, ok, failed);
        }
        lastRender = () => renderResults(list, summary);
        lastRender();
    } catch (e) {
        lastRender = () => showMessage('error', t('err.network'));
        lastRender();
    } finally {
        setLoading(false);
    }
}

form.addEventListener('submit', event => {
    event.preventDefault();
    query();
});

// Enter queries; Shift+Enter starts a new line for another number.
input.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
    }
});

clearButton.addEventListener('click', () => {
    input.value = '';
    input.removeAttribute('aria-invalid');
    results.replaceChildren();
    showMessage(null, null);
    status.replaceChildren();
    lastRender = null;
    input.focus();
});

const initial = new URLSearchParams(location.search).get('number');
if (initial) {
    input.value = initial;
    query();
}
