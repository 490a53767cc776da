// The operator console: log-in, the filtered order list, the detail with its actions,
// and the 2-second poll for changes (docs/console.md §5).
import { ConsoleApi } from './api.js';
import { t, setLanguage, translateStatic } from './i18n.js';
import { Beeper } from './sound.js';
import { el } from './format.js';
import { orderRow, orderDetail, problemText } from './render.js';

const POLL_MS = 2000;
const PAGE_SIZE = 50;
const TOKEN_KEY = 'rkgate.console.token';
const $ = (id) => document.getElementById(id);

const state = {
  api: null,
  me: null,
  restaurant: '', // '' = all the operator's restaurants
  filter: 'all',
  orders: new Map(), // guid -> newest record seen
  listed: new Set(), // guids shown in the current tab
  nextCursor: null,
  version: 0,
  counts: {},
  selected: null,
  fresh: new Set(), // waiting orders that arrived while the page was open
  message: null, // {guid, kind, text: () => string}
  busy: null, // guid of the order an action is running on
  generation: 0, // bumped on log-in, log-out and reloads: late answers of older ones are dropped
  pollTimer: null,
};

const beeper = new Beeper(renderSound);

// ---------- log-in ----------

async function logIn(token, { remembered = false } = {}) {
  const api = new ConsoleApi(token);
  try {
    state.me = await api.me();
  } catch (err) {
    showLogin(err.status === 401 ? t(remembered ? 'login.expired' : 'login.bad') : t('err.network'));
    if (err.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  state.api = api;
  $('login-view').hidden = true;
  $('console-view').hidden = false;
  $('operator-name').hidden = false;
  renderOperator();
  $('logout').hidden = false;
  $('sound-toggle').hidden = false;
  renderRestaurants();
  renderSound();
  await reload();
}

function logOut(message = '') {
  sessionStorage.removeItem(TOKEN_KEY);
  clearTimeout(state.pollTimer);
  state.generation += 1;
  Object.assign(state, { api: null, me: null, selected: null, message: null, busy: null, restaurant: '' });
  state.orders.clear();
  state.listed.clear();
  state.fresh.clear();
  for (const id of ['console-view', 'operator-name', 'logout', 'sound-toggle', 'restaurant-label']) $(id).hidden = true;
  document.title = t('doc.title');
  showLogin(message);
}

function showLogin(message) {
  $('login-view').hidden = false;
  $('login-error').textContent = message;
  $('token-input').value = '';
  $('token-input').focus();
}

// ---------- loading and polling ----------

const createdMs = (o) => Date.parse(o.created_at) || 0;
const newestFirst = (a, b) => createdMs(b) - createdMs(a) || (a.guid < b.guid ? 1 : -1);
const inFilter = (o) => (state.filter === 'all' ? o.delivery_state !== 'archived' : o.delivery_state === state.filter);

/// Loads the first page of the current tab and restarts the poll from its version.
async function reload() {
  const generation = ++state.generation;
  clearTimeout(state.pollTimer);
  // data-loaded names the filter whose first page is on screen (tests wait for it).
  delete $('order-table').dataset.loaded;
  try {
    const page = await state.api.orders({ state: state.filter, restaurant: state.restaurant, limit: PAGE_SIZE });
    if (generation !== state.generation) return;
    state.listed.clear();
    takePage(page);
    state.version = page.version;
    setOnline(true);
  } catch (err) {
    if (generation !== state.generation) return;
    if (err.status === 401) return logOut(t('login.expired'));
    setOnline(false);
  }
  render();
  $('order-table').dataset.loaded = state.filter;
  schedulePoll(generation);
}

function takePage(page) {
  for (const o of page.orders) {
    state.orders.set(o.guid, o);
    state.listed.add(o.guid);
  }
  state.nextCursor = page.next_cursor;
  state.counts = page.counts;
}

async function loadMore() {
  const generation = state.generation;
  try {
    const page = await state.api.orders({ state: state.filter, restaurant: state.restaurant, limit: PAGE_SIZE, cursor: state.nextCursor });
    if (generation !== state.generation) return;
    takePage(page);
  } catch (err) {
    if (err.status === 401) return logOut(t('login.expired'));
    setOnline(false);
  }
  render();
}

function schedulePoll(generation) {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(() => poll(generation), POLL_MS);
}

async function poll(generation) {
  try {
    for (let more = true; more;) {
      const changes = await state.api.changes(state.version, state.restaurant);
      if (generation !== state.generation) return;
      if (changes.reset) return reload();
      applyChanges(changes.orders, { fromPoll: true });
      state.version = changes.version;
      state.counts = changes.counts;
      more = changes.more;
    }
    setOnline(true);
    render();
  } catch (err) {
    if (generation !== state.generation) return;
    if (err.status === 401) return logOut(t('login.expired'));
    setOnline(false);
  }
  schedulePoll(generation);
}

/// Merges changed records into the view; waiting orders first seen by the poll are new.
function applyChanges(orders, { fromPoll = false } = {}) {
  const arrived = [];
  const listedOrders = [...state.listed].map((g) => state.orders.get(g));
  const oldestListed = listedOrders.length ? Math.min(...listedOrders.map(createdMs)) : Infinity;
  for (const o of orders) {
    const known = state.orders.has(o.guid);
    state.orders.set(o.guid, o);
    if (fromPoll && !known && o.delivery_state === 'waiting') {
      state.fresh.add(o.guid);
      arrived.push(o);
    }
    if (o.delivery_state !== 'waiting') state.fresh.delete(o.guid);
    // An order older than the loaded pages belongs to a page not fetched yet.
    const belongs = inFilter(o) && (state.listed.has(o.guid) || state.nextCursor === null || createdMs(o) >= oldestListed);
    if (belongs) state.listed.add(o.guid);
    else state.listed.delete(o.guid);
  }
  if (arrived.length) {
    beeper.beep();
    renderSound();
    $('announcer').textContent = arrived.map((o) => t('announce.new', { name: o.customer?.name || o.external_id || '' })).join('. ');
  }
}

function setOnline(online) {
  const banner = $('connection-banner');
  banner.hidden = online;
  banner.textContent = online ? '' : t('banner.offline');
}

// ---------- actions ----------

function askReason() {
  const dialog = $('cancel-dialog');
  const reason = $('cancel-reason');
  reason.value = '';
  $('cancel-error').textContent = '';
  dialog.showModal();
  reason.focus();
  return new Promise((resolve) => {
    const finish = (value) => {
      $('cancel-form').removeEventListener('submit', onSubmit);
      $('cancel-back').removeEventListener('click', onBack);
      dialog.removeEventListener('cancel', onBack);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onSubmit = (e) => {
      e.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        $('cancel-error').textContent = t('cancel.required');
        return;
      }
      finish(text);
    };
    const onBack = (e) => {
      e.preventDefault();
      finish(null);
    };
    $('cancel-form').addEventListener('submit', onSubmit);
    $('cancel-back').addEventListener('click', onBack);
    dialog.addEventListener('cancel', onBack);
  });
}

async function runAction(order, action) {
  let body = {};
  if (action === 'cancel') {
    const reason = await askReason();
    if (reason === null) return;
    body = { reason };
  }
  const guid = order.guid;
  state.busy = guid;
  state.message = null;
  renderDetail();
  try {
    const { status, data } = await state.api.act(guid, action, body);
    applyChanges([data]);
    state.message = status === 202
      ? { guid, kind: 'info', text: () => t('err.pending') }
      : { guid, kind: 'ok', text: () => t(`done.${action}`, { table: data.table?.name ?? '' }) };
  } catch (err) {
    if (err.status === 401) return logOut(t('login.expired'));
    state.message = { guid, kind: 'error', text: () => explain(err, action) };
    await refreshOrder(guid);
  } finally {
    if (state.busy === guid) state.busy = null;
  }
  render();
}

/// The operator-facing sentence for a failed action.
function explain(err, action) {
  const d = err.details ?? {};
  switch (err.status) {
    case 0: return t('err.network');
    case 409: {
      if (err.code === 'conflict') return t('err.conflict', { action: t(`action.${d.in_progress ?? action}`) });
      const last = d.last_action;
      if (last?.operator) {
        const did = t(`past.${last.action}`);
        return last.operator === state.me?.name ? t('err.taken_self', { did }) : t('err.taken', { operator: last.operator, did });
      }
      return t('err.state', { state: t(`state.${d.delivery_state ?? 'waiting'}`) });
    }
    case 422: return t('err.cart_invalid', { problems: Array.isArray(d) ? d.map(problemText).join('; ') : err.message });
    case 502: return t('err.cash_error', { message: err.message });
    case 503: return t('err.cash_unavailable');
    default: return t('err.other', { message: err.message });
  }
}

async function refreshOrder(guid) {
  try {
    applyChanges([await state.api.order(guid)]);
  } catch {
    // The poll brings the order's state soon enough.
  }
}

// ---------- rendering ----------

function render() {
  renderTabs();
  renderList();
  renderDetail();
}

function renderTabs() {
  for (const tab of document.querySelectorAll('[role=tab]')) {
    const selected = tab.dataset.state === state.filter;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  for (const c of document.querySelectorAll('[data-count]')) {
    const n = state.counts?.[c.dataset.count] ?? 0;
    c.textContent = String(n);
    c.classList.toggle('is-hot', c.dataset.count === 'waiting' && n > 0);
  }
  const waiting = state.counts?.waiting ?? 0;
  document.title = (waiting ? `(${waiting}) ` : '') + t('doc.title');
}

function renderList() {
  const orders = [...state.listed].map((g) => state.orders.get(g)).filter(inFilter).sort(newestFirst);
  $('order-rows').replaceChildren(...orders.map((o) => orderRow(o, {
    selected: o.guid === state.selected,
    isNew: state.fresh.has(o.guid),
    onSelect: select,
  })));
  $('empty-list').hidden = orders.length > 0;
  $('load-more').hidden = state.nextCursor === null;
}

function renderDetail() {
  const pane = $('detail');
  const o = state.selected && state.orders.get(state.selected);
  if (!o) {
    pane.replaceChildren(el('h2', { id: 'detail-heading', class: 'visually-hidden' }, t('detail.heading')), el('p', { class: 'empty' }, t('detail.none')));
    return;
  }
  const message = state.message?.guid === o.guid ? { kind: state.message.kind, text: state.message.text() } : null;
  const restaurantName = state.me?.restaurants.find((r) => r.id === o.restaurant)?.name ?? o.restaurant;
  pane.replaceChildren(...orderDetail(o, { restaurantName, message, busy: state.busy === o.guid, onAction: runAction }).filter(Boolean));
}

function select(guid) {
  if (state.selected !== guid) state.message = null;
  state.selected = guid;
  state.fresh.delete(guid);
  renderList();
  renderDetail();
}

function renderOperator() {
  $('operator-name').textContent = state.me ? t('operator', { name: state.me.name }) : '';
}

function renderRestaurants() {
  const restaurants = state.me?.restaurants ?? [];
  const select = $('restaurant-select');
  $('restaurant-label').hidden = restaurants.length < 2;
  select.replaceChildren(
    el('option', { value: '' }, t('restaurant.all')),
    ...restaurants.map((r) => el('option', { value: r.id }, r.name)));
  select.value = state.restaurant;
}

function renderSound() {
  const button = $('sound-toggle');
  const label = !beeper.enabled ? 'sound.off' : beeper.ready ? 'sound.on' : 'sound.blocked';
  button.textContent = t(label);
  button.setAttribute('aria-pressed', String(beeper.enabled));
  button.classList.toggle('is-attention', label === 'sound.blocked');
  button.dataset.beeps = String(beeper.played);
}

function renderLanguage() {
  translateStatic();
  renderOperator();
  renderRestaurants();
  renderSound();
  setOnline($('connection-banner').hidden);
  if (state.api) render();
}

// ---------- wiring ----------

function wire() {
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token-input').value.trim();
    if (!token) return showLogin(t('login.empty'));
    logIn(token);
  });
  $('logout').addEventListener('click', () => logOut());
  $('restaurant-select').addEventListener('change', (e) => {
    state.restaurant = e.target.value;
    state.selected = null;
    reload();
  });
  $('sound-toggle').addEventListener('click', () => {
    if (beeper.enabled && !beeper.ready) beeper.unlock();
    else beeper.toggle();
  });
  $('load-more').addEventListener('click', loadMore);
  for (const b of document.querySelectorAll('[data-lang]'))
    b.addEventListener('click', () => {
      setLanguage(b.dataset.lang);
      renderLanguage();
    });
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const tab of tabs) {
    tab.setAttribute('aria-controls', 'order-table');
    tab.addEventListener('click', () => {
      state.filter = tab.dataset.state;
      reload();
    });
    tab.addEventListener('keydown', (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      next.focus();
      next.click();
    });
  }
}

wire();
renderLanguage();
const remembered = sessionStorage.getItem(TOKEN_KEY);
if (remembered) logIn(remembered, { remembered: true });
else showLogin('');
