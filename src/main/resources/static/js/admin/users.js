// Users: who is signed in, create a user and unlock a sign-in (ADMIN only), change one's own password.
import { t, formatTime } from '../i18n.js';
import { api, payload, currentUser, roleOf } from './api.js';
import { show, errorText } from './ui.js';

function markFieldErrors(form, error) {
    form.querySelectorAll('.field-error').forEach(p => { p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
    let placed = false;
    for (const f of error?.fieldErrors?.() ?? []) {
        const slot = form.querySelector(`.field-error[data-field="${CSS.escape(f.field)}"]`);
        const input = form.querySelector(`[name="${CSS.escape(f.field)}"]`);
        if (slot && input) {
            slot.textContent = f.message || f.code;
            input.setAttribute('aria-invalid', 'true');
            placed = true;
        }
    }
    return placed;
}

async function renderMe() {
    const box = document.getElementById('us-me');
    let me = currentUser();
    try {
        me = payload(await api('/me')) ?? me;
    } catch (error) {
        if (error.status === 401) return;
    }
    const parts = [me?.username, roleOf(me)];
    if (me?.last_login || me?.last_login_at) parts.push(`${t('us.lastLogin')}: ${formatTime(me.last_login ?? me.last_login_at)}`);
    box.textContent = parts.filter(Boolean).join(' · ');
    const admin = (roleOf(me) ?? roleOf(currentUser())) === 'ADMIN';
    document.getElementById('us-create').disabled = !admin;
    show('us-create-message', admin ? null : 'info', admin ? null : t('us.adminOnly'));
    document.getElementById('us-unlock').disabled = !admin;
    show('us-unlock-message', admin ? null : 'info', admin ? null : t('us.unlockAdminOnly'));
}

document.getElementById('us-create-form').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.target;
    const body = Object.fromEntries(new FormData(form).entries());
    body.username = body.username.trim();
    show('us-create-message', null, null);
    markFieldErrors(form, null);
    try {
        await api('/create-user', { method: 'POST', body });
        show('us-create-message', 'success', t('us.created', body.username));
        form.reset();
    } catch (error) {
        if (error.status === 401) return;
        markFieldErrors(form, error);
        show('us-create-message', 'error', errorText(error));
    }
});

document.getElementById('us-unlock-form').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.target;
    const name = new FormData(form).get('username').trim();
    show('us-unlock-message', null, null);
    markFieldErrors(form, null);
    if (!name) return;
    try {
        const user = payload(await api(`/users/${encodeURIComponent(name)}/unlock`, { method: 'POST' }));
        // textContent via show(): the name is the server's, shown as text, never as markup
        show('us-unlock-message', 'success', t('us.unlocked', user?.username ?? name));
        form.reset();
    } catch (error) {
        if (error.status === 401) return;
        show('us-unlock-message', 'error', errorText(error));
    }
});

document.getElementById('us-password-form').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.target;
    const body = Object.fromEntries(new FormData(form).entries());
    show('us-password-message', null, null);
    markFieldErrors(form, null);
    try {
        await api('/change-password', { method: 'POST', body });
        show('us-password-message', 'success', t('us.passwordChanged'));
        form.reset();
    } catch (error) {
        if (error.status === 401) return;
        markFieldErrors(form, error);
        show('us-password-message', 'error', errorText(error));
    }
});

export const usersView = { enter() { renderMe(); }, rerender() { renderMe(); } };
