// The two-leg journey of one number (issue 11.2): a milestone progress bar and one timeline, newest first —
// package leg, the warehouse step (理货: packed into package P), domestic leg. Text only (el() makes text nodes).
import { t, el } from './i18n.js';

// Steps of the progress bar; a linked number also has the domestic leg and the warehouse step.
const LINKED_STEPS = ['info_received', 'domestic', 'warehouse', 'in_transit', 'customs', 'out_for_delivery', 'delivered'];
const SINGLE_STEPS = ['info_received', 'in_transit', 'customs', 'out_for_delivery', 'delivered'];
const PROBLEMS = new Set(['exception', 'attempt_fail', 'returning', 'returned', 'expired']);

// A result that carries no milestone yet is placed by its raw Kuaidi100 state (0 in transit, 1 picked up, 3 signed,
// 5 out for delivery, 8 customs; 2/4/6/14 are problems).
const STATE_MILESTONE = { '0': 'in_transit', '1': 'info_received', '2': 'exception', '3': 'delivered', '4': 'returned',
    '5': 'out_for_delivery', '6': 'returning', '7': 'in_transit', '8': 'customs', '14': 'returned' };

function milestoneOf(leg) {
    if (!leg || !leg.available) return null;
    return leg.milestone || STATE_MILESTONE[String(leg.state ?? '')] || null;
}

/** Where the parcel is: [steps, index of the current step, problem milestone or null]. */
export function progress(journey) {
    const legs = journey.legs || [];
    const linked = legs.length > 1;
    const steps = linked ? LINKED_STEPS : SINGLE_STEPS;
    const main = legs[legs.length - 1];
    const m = milestoneOf(main);
    const problem = m && PROBLEMS.has(m) ? m : null;
    let step;
    if (linked) {
        // the package leg starts at the warehouse: until it moves, the parcel is in the warehouse
        if (!m || m === 'pending' || m === 'info_received' || problem) step = 'warehouse';
        else if (m === 'available_for_pickup') step = 'out_for_delivery';
        else step = m;
    } else {
        if (!m || m === 'pending') step = 'info_received';
        else if (m === 'available_for_pickup') step = 'out_for_delivery';
        else if (problem) step = 'in_transit';
        else step = m;
    }
    const index = Math.max(0, steps.indexOf(step));
    return [steps, index, problem];
}

function progressBar(journey) {
    const [steps, current, problem] = progress(journey);
    const label = t(`j.step.${steps[current]}`);
    const list = el('ol', { className: 'journey-steps' }, steps.map((s, i) => el('li', {
        className: `journey-step ${i < current ? 'done' : i === current ? 'current' : 'todo'}${i === current && problem ? ' problem' : ''}`,
        'aria-current': i === current ? 'step' : null,
        dataset: { step: s }
    }, el('span', { className: 'dot', 'aria-hidden': 'true' }), el('span', { className: 'step-label' }, t(`j.step.${s}`)))));
    const summary = el('p', { className: 'journey-summary' }, t('j.progress', current + 1, steps.length, label),
        problem ? el('span', { className: 'badge state state-problem' }, t(`j.problem.${problem}`)) : null);
    return el('section', { className: 'journey-progress', 'aria-label': t('j.progress.label') }, summary, list);
}

/** Newest first, as the API sends them; sorted again defensively (stable for equal or unparsable times). */
export function sortedTracks(tracks) {
    return [...(tracks || [])].map((tr, i) => ({ tr, i, ts: Date.parse(tr.time) }))
        .sort((a, b) => (Number.isNaN(a.ts) || Number.isNaN(b.ts) ? a.i - b.i : b.ts - a.ts || a.i - b.i))
        .map(x => x.tr);
}

function trackItems(leg) {
    return sortedTracks(leg.tracks).map(tr => el('li', { className: 'track', dataset: { leg: leg.role } },
        el('time', { datetime: tr.time || '' }, tr.time || ''),
        tr.location ? el('span', { className: 'location' }, tr.location, ' ') : null,
        el('span', { className: 'description' }, tr.description || '')));
}

function legHeading(leg) {
    const company = leg.company_name || leg.company_code || '';
    return el('li', { className: 'leg-heading', dataset: { role: leg.role } },
        el('strong', {}, t(`j.leg.${leg.role}`)), ' ',
        el('span', { className: 'leg-number' }, leg.query_tracking_number || ''),
        company ? el('span', { className: 'leg-company' }, ` · ${company}`) : null);
}

function legBody(leg) {
    if (!leg.available) {
        return [el('li', { className: 'leg-unavailable', dataset: { code: leg.error_code || '' } },
            t('j.unavailable'), leg.error ? ` ${leg.error}` : '')];
    }
    const items = trackItems(leg);
    return items.length ? items : [el('li', { className: 'leg-empty' }, t('public.noTracks'))];
}

/** The journey of a single-number result: the progress bar and one timeline. */
export function journeyView(result) {
    const journey = result.journey;
    const legs = journey.legs || [];
    const items = [];
    if (legs.length > 1) {
        const [original, pkg] = legs;
        items.push(legHeading(pkg), ...legBody(pkg));
        const w = journey.warehouse || {};
        items.push(el('li', { className: 'warehouse-step' },
            el('strong', {}, t('j.warehouse', w.package_number || '')),
            w.manifest_date ? el('time', { datetime: w.manifest_date }, w.manifest_date) : null));
        items.push(legHeading(original), ...legBody(original));
    } else if (legs.length === 1) {
        items.push(legHeading(legs[0]), ...legBody(legs[0]));
    }
    return el('div', { className: 'journey' }, progressBar(journey),
        el('h3', {}, t('public.timeline')), el('ol', { className: 'timeline journey-timeline' }, items));
}
