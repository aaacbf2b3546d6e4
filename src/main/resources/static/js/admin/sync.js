// Sync panel: statistics figures, a chart sampled by this page every few seconds (cache hit rate and new sync
// operations per sample), pending operations, and the seed's admin actions with confirmations.
import { t, el, formatTime } from '../i18n.js';
import { api, payload } from './api.js';
import { confirmAction, show, errorText, emptyRow, text } from './ui.js';

const SAMPLE_SECONDS = 3;
const MAX_SAMPLES = 60;
const FIGURES = ['cache_size', 'cache_hits', 'cache_misses', 'cache_hit_rate', 'sync_operations', 'active_listeners',
    'pending_operations', 'last_sync_time', 'node_id', 'applied_sequence', 'latest_sequence', 'lag'];
const OP_COLUMNS = ['sequence', 'operation', 'tracking_number', 'package_number', 'previous_package_number', 'node', 'time'];
const SVG = 'http://www.w3.org/2000/svg';

let timer = null;
let samples = []; // {at, hitRate (0–100 or null), ops (new since previous sample)}
let lastOps = null;
let lastStats = null;
let lastHealth = null;

/** Hit rate as a percentage, whether the server reports a fraction (0–1) or a percentage. */
function hitRatePercent(stats) {
    const raw = stats.cache_hit_rate;
    if (raw === undefined || raw === null || raw === '') return null;
    const n = Number(String(raw).replace('%', ''));
    if (!Number.isFinite(n)) return null;
    return n <= 1 && !String(raw).includes('%') ? n * 100 : n;
}

function figureValue(key, stats) {
    const value = stats[key];
    if (key === 'cache_hit_rate') {
        const p = hitRatePercent(stats);
        return p === null ? '–' : `${p.toFixed(1)} %`;
    }
    if (key === 'last_sync_time') return value ? formatTime(value) : '–';
    return value === undefined || value === null ? '–' : text(value);
}

function renderFigures() {
    const box = document.getElementById('s-figures');
    box.replaceChildren();
    const more = document.getElementById('s-more');
    more.replaceChildren();
    if (!lastStats) return;
    const tile = (key, label, value) => el('div', { className: 'figure', dataset: { key } },
        el('div', { className: 'value' }, value), el('div', { className: 'label' }, label));
    for (const key of FIGURES) box.append(tile(key, t(`s.${key}`), figureValue(key, lastStats)));
    const carrier = lastStats.carrier_cache;
    if (carrier && typeof carrier === 'object') {
        box.append(tile('carrier_cache.size', t('s.carrier.size'), text(carrier.size ?? '–')));
        const rate = hitRatePercent({ cache_hit_rate: carrier.hit_rate });
        box.append(tile('carrier_cache.hit_rate', t('s.carrier.hitRate'), rate === null ? '–' : `${rate.toFixed(1)} %`));
    }
    // Everything else the server reports, as name/value pairs under "more figures".
    for (const [key, value] of Object.entries(lastStats)) {
        if (FIGURES.includes(key)) continue;
        more.append(el('dt', {}, key), el('dd', { dataset: { key } }, text(value)));
    }
}

function renderHealth() {
    const box = document.getElementById('s-health');
    box.replaceChildren();
    if (!lastHealth) return;
    const status = String(lastHealth.status ?? '').toLowerCase();
    const kind = status === 'healthy' ? 'success' : status === 'warning' ? 'warn' : 'error';
    const label = t(`s.health.${status}`) === `s.health.${status}` ? status : t(`s.health.${status}`);
    const reasons = Array.isArray(lastHealth.reasons)
        ? lastHealth.reasons.map(r => (r && typeof r === 'object' ? r.message || r.code : text(r))).join('; ') : '';
    box.append(el('div', { className: `alert ${kind}`, id: 's-health-status', dataset: { status } },
        `${t('s.health')}: ${label}${reasons ? ` — ${reasons}` : ''}`));
}

function svg(tag, attrs = {}, textContent) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (textContent !== undefined) node.textContent = textContent;
    return node;
}

/** Two lines over the sampled period: hit rate on the left axis (0–100 %), new operations on the right axis. */
function renderChart() {
    document.getElementById('s-chart-heading').textContent = t('s.chartHeading', SAMPLE_SECONDS);
    const box = document.getElementById('s-chart');
    box.replaceChildren();
    const W = 640, H = 220, L = 44, R = 44, T = 12, B = 28;
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('s.chart.aria'), id: 's-chart-svg' });
    root.append(svg('title', {}, t('s.chart.aria')));
    const innerW = W - L - R, innerH = H - T - B;
    // A right-axis maximum divisible by the four grid steps, so every label is a whole number.
    const maxOps = Math.max(4, Math.ceil(Math.max(0, ...samples.map(s => s.ops ?? 0)) / 4) * 4);
    for (let i = 0; i <= 4; i++) {
        const y = T + (innerH * i) / 4;
        root.append(svg('line', { x1: L, x2: W - R, y1: y, y2: y, stroke: '#e1e6ed' }));
        root.append(svg('text', { x: L - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#0b5cad' }, `${100 - i * 25}%`));
        root.append(svg('text', { x: W - R + 6, y: y + 4, 'font-size': 11, fill: '#c2410c' }, String((maxOps * (4 - i)) / 4)));
    }
    if (samples.length < 2) {
        root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', 'font-size': 13, fill: '#4f5b6b' }, t('s.chart.waiting')));
    }
    // The samples so far fill the width; once MAX_SAMPLES are kept the window slides.
    const x = i => L + (samples.length <= 1 ? 0 : (innerW * i) / (samples.length - 1));
    const line = (values, color, cls) => {
        const points = values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${v.toFixed(1)}`)).filter(Boolean);
        if (points.length > 0) {
            root.append(svg('polyline', { points: points.join(' '), fill: 'none', stroke: color, 'stroke-width': 2, class: cls }));
        }
    };
    line(samples.map(s => (s.hitRate === null ? null : T + innerH * (1 - s.hitRate / 100))), '#0b5cad', 'series-hit-rate');
    line(samples.map(s => T + innerH * (1 - (s.ops ?? 0) / maxOps)), '#c2410c', 'series-ops');
    if (samples.length > 0) {
        root.append(svg('text', { x: L, y: H - 8, 'font-size': 11, fill: '#4f5b6b' }, formatTime(samples[0].at)));
        root.append(svg('text', { x: W - R, y: H - 8, 'font-size': 11, fill: '#4f5b6b', 'text-anchor': 'end' },
            formatTime(samples[samples.length - 1].at)));
    }
    root.dataset.samples = String(samples.length);
    box.append(root);
}

function renderPending(list) {
    const table = document.getElementById('s-pending');
    table.tHead.replaceChildren(el('tr', {}, OP_COLUMNS.map(c => el('th', { scope: 'col' }, t(`s.op.${c}`)))));
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    if (!list.length) tbody.append(emptyRow(OP_COLUMNS.length));
    for (const op of list) {
        const when = op.changed_at ?? op.time ?? op.created_at;
        tbody.append(el('tr', { dataset: { sequence: op.sequence ?? '' } },
            el('td', { className: 'num' }, op.sequence ?? op.id ?? ''),
            el('td', {}, op.operation ?? op.operation_type ?? ''),
            el('td', {}, op.tracking_number ?? ''),
            el('td', {}, op.package_number ?? ''),
            el('td', {}, op.previous_package_number ?? op.old_package_number ?? ''),
            el('td', {}, op.node ?? op.node_id ?? ''),
            el('td', {}, when ? formatTime(when) : '')));
    }
}

function listOf(json) {
    const d = payload(json);
    if (Array.isArray(d)) return d;
    return d?.operations ?? d?.pending_operations ?? d?.items ?? [];
}

async function refresh() {
    try {
        const [stats, pending, health] = await Promise.all([
            api('/sync/statistics', { background: true }),
            api('/sync/pending-operations', { params: { limit: 50 }, background: true }),
            api('/sync/health', { background: true }).catch(e => { if (e.status === 401) throw e; return null; })
        ]);
        lastStats = payload(stats) ?? {};
        lastHealth = health ? payload(health) : null;
        const ops = Number(lastStats.sync_operations);
        samples.push({ at: new Date().toISOString(), hitRate: hitRatePercent(lastStats),
            ops: Number.isFinite(ops) && lastOps !== null ? Math.max(0, ops - lastOps) : 0 });
        if (Number.isFinite(ops)) lastOps = ops;
        if (samples.length > MAX_SAMPLES) samples = samples.slice(-MAX_SAMPLES);
        renderFigures();
        renderHealth();
        renderChart();
        renderPending(listOf(pending));
    } catch (error) {
        if (error.status === 401) { stop(); return; }
        show('s-message', 'error', errorText(error));
    }
}

function stop() {
    if (timer) clearInterval(timer);
    timer = null;
}

async function act(confirmText, label, call) {
    show('s-message', null, null);
    if (confirmText !== null && !await confirmAction(confirmText, label)) return;
    try {
        const json = await call();
        show('s-message', 'success', `${t('s.done')} ${json?.message ?? ''}`.trim());
        await refresh();
        return json;
    } catch (error) {
        if (error.status !== 401) show('s-message', 'error', errorText(error));
        return null;
    }
}

function number() {
    const value = document.getElementById('s-number').value.trim();
    if (!value) {
        show('s-message', 'error', t('s.numberRequired'));
        document.getElementById('s-number').focus();
    }
    return value;
}

document.getElementById('s-clear').addEventListener('click', () =>
    act(t('s.clearConfirm'), t('s.clear'), () => api('/sync/clear-pending-operations', { method: 'POST' })));
document.getElementById('s-invalidate').addEventListener('click', () =>
    act(t('s.invalidateConfirm'), t('s.invalidate'), () => api('/sync/invalidate-cache', { method: 'POST' })));
document.getElementById('s-force').addEventListener('click', async () => {
    const n = number();
    if (!n) return;
    const json = await act(t('s.forceConfirm', n), t('s.forceSync'),
        () => api(`/sync/force-sync/${encodeURIComponent(n)}`, { method: 'POST' }));
    if (json) await lookup(n);
});
document.getElementById('s-number-form').addEventListener('submit', async event => {
    event.preventDefault();
    const n = number();
    if (n) {
        show('s-message', null, null);
        await lookup(n);
    }
});

/** Cache view of one number: read-only, so no confirmation. */
async function lookup(n) {
    const box = document.getElementById('s-cache-view');
    box.replaceChildren();
    try {
        const d = payload(await api(`/sync/cache/${encodeURIComponent(n)}`)) ?? {};
        const cached = d.cached ?? d.is_cached ?? (d.data !== undefined && d.data !== null);
        box.append(el('div', { className: 'panel', id: 's-cache-result', dataset: { cached: String(Boolean(cached)) } },
            el('h3', {}, `${n}: ${cached ? t('s.cached') : t('s.notCached')}`),
            el('p', {}, `${t('s.cachedAt')}: ${formatTime(d.cached_at) || '–'} · ${t('s.expiresAt')}: ${formatTime(d.expires_at) || '–'}`),
            el('pre', { className: 'json' }, JSON.stringify(d.data ?? d.manifest ?? d, null, 2))));
    } catch (error) {
        if (error.status !== 401) show('s-message', 'error', errorText(error));
    }
}

export const syncView = {
    enter() {
        document.getElementById('s-refresh-hint').textContent = t('s.autoRefresh', SAMPLE_SECONDS);
        samples = [];
        lastOps = null;
        renderChart();
        refresh();
        stop();
        timer = setInterval(refresh, SAMPLE_SECONDS * 1000);
    },
    leave() { stop(); },
    rerender() {
        document.getElementById('s-refresh-hint').textContent = t('s.autoRefresh', SAMPLE_SECONDS);
        renderFigures();
        renderHealth();
        renderChart();
    }
};
