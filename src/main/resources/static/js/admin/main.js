// Admin console shell: sign-in, sign-out, session expiry, hash navigation between the sections.
import { t, applyTexts, bindLanguageSwitch } from '../i18n.js';
import { api, token, remainingMillis, saveSession, saveUser, clearSession, takeNotice, currentUser, setUnauthorizedHandler, payload, roleOf } from './api.js';
import { show, errorText, duration } from './ui.js';
import { webhooksView } from './webhooks.js';
import { manifestsView } from './manifests.js';
import { uploadView } from './upload.js';
import { syncView } from './sync.js';
import { auditView } from './audit.js';
import { usersView } from './users.js';

const views = { manifests: manifestsView, upload: uploadView, sync: syncView, audit: auditView, users: usersView };
let active = null;

const loginView = document.getElementById('view-login');
const app = document.getElementById('app');
const who = document.getElementById('who');
const logoutButton = document.getElementById('logout');
views.webhooks = webhooksView;

applyTexts();
bindLanguageSwitch(document.getElementById('lang-switch'), () => {
    document.title = t('admin.title');
    renderWho();
    if (active) views[active].rerender?.();
});
document.title = t('admin.title');

setUnauthorizedHandler(() => {
    clearSession('expired');
    showLogin();
});

function renderWho() {
    const user = currentUser();
    who.hidden = !user;
    who.textContent = user ? `${user.username ?? ''}${roleOf(user) ? ` (${roleOf(user)})` : ''}` : '';
}

function showLogin() {
    if (active) views[active].leave?.();
    active = null;
    app.hidden = true;
    logoutButton.hidden = true;
    who.hidden = true;
    loginView.hidden = false;
    const notice = takeNotice();
    if (notice === 'expired') show('login-notice', 'warn', t('admin.login.expired'));
    else if (notice === 'logout') show('login-notice', 'info', t('admin.login.loggedOut'));
    else show('login-notice', null, null);
    document.getElementById('login-password').value = '';
    document.getElementById('login-username').focus();
}

function showApp() {
    loginView.hidden = true;
    app.hidden = false;
    logoutButton.hidden = false;
    renderWho();
    route();
}

function route() {
    if (!token()) {
        showLogin();
        return;
    }
    const name = location.hash.replace(/^#\/?/, '') || 'manifests';
    const next = views[name] ? name : 'manifests';
    if (active && active !== next) views[active].leave?.();
    for (const key of Object.keys(views)) {
        document.getElementById(`view-${key}`).hidden = key !== next;
        const tab = document.getElementById(`tab-${key}`);
        if (key === next) tab.setAttribute('aria-current', 'page'); else tab.removeAttribute('aria-current');
    }
    show('flash', null, null);
    active = next;
    views[next].enter();
}

document.getElementById('login-form').addEventListener('submit', async event => {
    event.preventDefault();
    const username = document.getElementById('login-username').value.trim();
    const password = document.getElementById('login-password').value;
    show('login-notice', null, null);
    if (!username || !password) {
        show('login-error', 'error', t('admin.login.required'));
        return;
    }
    const submit = document.getElementById('login-submit');
    submit.disabled = true;
    submit.textContent = t('admin.login.busy');
    try {
        const json = await api('/login', { method: 'POST', body: { username, password }, auth: false });
        const body = json.access_token ? json : payload(json);
        saveSession(body.access_token, body.user, body.expires_in);
        show('login-error', null, null);
        showApp();
    } catch (error) {
        const locked = error.retryAfter && (error.status === 423 || error.status === 429 || /LOCK/.test(error.code));
        show('login-error', 'error', locked ? t('admin.login.locked', duration(error.retryAfter)) : errorText(error));
        document.getElementById('login-password').select();
    } finally {
        submit.disabled = false;
        submit.textContent = t('admin.login.submit');
    }
});

logoutButton.addEventListener('click', async () => {
    try {
        await api('/logout', { method: 'POST', auth: false });
    } catch {
        // the token is dropped either way
    }
    clearSession('logout');
    location.hash = '';
    showLogin();
});

window.addEventListener('hashchange', () => { if (token()) route(); });

// An idle tab whose token has run out goes back to the sign-in form on its own, with the notice.
setInterval(() => {
    const remaining = remainingMillis();
    if (token() && remaining !== null && remaining <= 0) {
        clearSession('expired');
        showLogin();
    }
}, 5000);

async function start() {
    if (!token()) {
        showLogin();
        return;
    }
    try {
        const me = payload(await api('/me'));
        if (me && me.username) saveUser(me);
    } catch (error) {
        if (error.status === 401) return; // the unauthorized handler has shown the sign-in form
    }
    showApp();
}

start();
