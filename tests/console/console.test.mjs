// End-to-end test of the operator console in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core): orders posted through the API appear
// in the console without reload, the operator accepts one (it is then on the cash
// server), cancels another, uses the filters, meets another operator's earlier action
// (409) and an unavailable cash server (503), and screenshots go to tests/artifacts/.
//
// Target: RKGATE_CONSOLE_URL (e.g. http://127.0.0.1:11111, rkgate + rk7sim) or, when
// unset, the in-memory mock gateway (mock_gateway.mjs). See README.md for the variables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startMockGateway } from './mock_gateway.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(here, '../artifacts');
const env = process.env;
const usingMock = !env.RKGATE_CONSOLE_URL;
const operatorToken = env.RKGATE_OPERATOR_TOKEN ?? 'op-secret-1';
const operatorName = env.RKGATE_OPERATOR_NAME ?? 'hall';
const otherOperatorToken = env.RKGATE_OPERATOR_TOKEN_2 ?? 'op-secret-2';
const otherOperatorName = env.RKGATE_OPERATOR_NAME_2 ?? 'evening';
const sourceToken = env.RKGATE_SOURCE_TOKEN ?? 'src-secret-1';
const restaurant = env.RKGATE_RESTAURANT ?? 'msk-01';
const items = JSON.parse(env.RKGATE_TEST_ITEMS ?? '[{"id":1000041,"quantity":2,"modifiers":[{"id":1000870,"quantity":1}],"item_comment":"без лука"},{"code":62,"quantity":1}]');
const WAIT_MS = 10_000;

let gateway; // the mock, when used
let base; // http://host:port
let browser;
let page;
const pageErrors = [];
const run = `${Date.now().toString(36)}`;

async function api(method, urlPath, { token = operatorToken, body } = {}) {
  const res = await fetch(new URL(urlPath, base), {
    method,
    headers: { token, 'Content-Type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/// Posts a manual-acceptance order as a web shop would; returns its guid.
async function postOrder(n, customer, extra = {}) {
  const { status, body } = await api('POST', '/api/v3/postorder', {
    token: sourceToken,
    body: {
      restaurant, external_id: `e2e-${run}-${n}`, accept: 'manual', items,
      customer, comment: `Тест ${n}: позвонить за 10 минут`, deliver_at: '2026-11-22T13:30:00+03:00',
      payments: [{ currency_code: 1, sum: 100 }], ...extra,
    },
  });
  assert.ok(status === 201 || status === 202, `postorder answered ${status}: ${JSON.stringify(body)}`);
  return body.data.guid;
}

const consoleOrder = async (guid) => (await api('GET', `/api/v3/console/orders/${encodeURIComponent(guid)}`)).body.data;
const row = (guid) => page.locator(`tr.order-row[data-guid="${guid}"]`);
const detail = () => page.locator('#detail');
const actionButton = (action) => page.locator(`#detail button[data-action="${action}"]`);
const tab = (state) => page.locator(`[role=tab][data-state="${state}"]`);

/// GETs a URL that may carry user:password (rk7sim's Basic auth): fetch refuses
/// credentials in URLs, so they move into the Authorization header.
async function fetchWithUrlCredentials(text) {
  const url = new URL(text);
  const headers = {};
  if (url.username) {
    headers.Authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
    url.username = '';
    url.password = '';
  }
  const res = await fetch(url, { headers });
  assert.equal(res.status, 200, `GET ${url} answered ${res.status}`);
  return res.text();
}

async function expectText(locator, pattern) {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: WAIT_MS });
}

async function withDeadline(promise, what) {
  let timer;
  const expired = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS); });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function openOrder(guid) {
  await row(guid).waitFor({ timeout: WAIT_MS });
  await row(guid).click();
  await page.locator(`#detail [data-field=name]`).waitFor();
}

/// Selects a tab and waits until its first page is rendered (not merely answered).
async function showTab(state) {
  await tab(state).click();
  await page.locator(`#order-table[data-loaded="${state}"]`).waitFor({ state: 'attached', timeout: WAIT_MS });
}

before(async () => {
  if (usingMock) {
    gateway = await startMockGateway();
    base = gateway.url;
  } else {
    base = env.RKGATE_CONSOLE_URL;
  }
  await fs.mkdir(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'ru-RU' });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (msg) => { if (msg.type() === 'error' && !/status of (4|5)\d\d/.test(msg.text())) pageErrors.push(msg.text()); });
  await page.goto(new URL('/console/', base).href);
});

after(async () => {
  await browser?.close();
  await gateway?.close();
});

test('log-in refuses an unknown token and accepts the operator token', async () => {
  await page.fill('#token-input', 'not-a-token');
  await page.click('#login-form button[type=submit]');
  await expectText(page.locator('#login-error'), 'Неизвестный токен');
  assert.equal(await page.locator('#console-view').isVisible(), false);

  await page.fill('#token-input', operatorToken);
  await page.click('#login-form button[type=submit]');
  await page.locator('#console-view').waitFor();
  assert.equal(await page.locator('#operator-name').textContent(), `Оператор: ${operatorName}`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('rkgate.console.token')), operatorToken);
});

let accepted;
let cancelled;

test('an order posted through the API appears without reload, highlighted, with a sound', async () => {
  const beepsBefore = Number(await page.locator('#sound-toggle').getAttribute('data-beeps'));
  accepted = await postOrder(1, { name: 'Иванов Иван Иванович', phone: '+79990001122', address: 'ул. Пушкина, д. 1, кв. 2' });
  await row(accepted).waitFor({ timeout: WAIT_MS });
  assert.match(await row(accepted).getAttribute('class'), /\bis-new\b/);
  assert.match(await row(accepted).textContent(), /Иванов Иван Иванович/);
  assert.match(await row(accepted).textContent(), /Ожидает/);
  await page.waitForFunction((n) => Number(document.querySelector('#sound-toggle').dataset.beeps) > n, beepsBefore, { timeout: WAIT_MS });
  await expectText(page.locator('#announcer'), 'Иванов Иван Иванович');
  assert.ok(Number(await page.locator('[data-count=waiting]').textContent()) >= 1);
});

test('the detail shows customer, address, requested time, comment, contents and sum', async () => {
  await openOrder(accepted);
  assert.doesNotMatch(await row(accepted).getAttribute('class'), /\bis-new\b/, 'opening an order clears its highlight');
  const record = await consoleOrder(accepted);
  assert.equal(await detail().locator('[data-field=name]').textContent(), 'Иванов Иван Иванович');
  assert.equal(await detail().locator('[data-field=phone]').textContent(), '+79990001122');
  assert.equal(await detail().locator('[data-field=address]').textContent(), 'ул. Пушкина, д. 1, кв. 2');
  assert.equal(await detail().locator('[data-field=deliver_at]').textContent(), '22.11.2026 13:30');
  assert.match(await detail().locator('[data-field=comment]').textContent(), /Тест 1/);
  const contents = await detail().locator('table.contents tbody').textContent();
  for (const item of record.items) assert.ok(contents.includes(item.name), `contents list ${item.name}`);
  const sum = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 2 }).format(record.sum);
  assert.equal(await detail().locator('[data-field=sum]').textContent(), sum);
  assert.equal(await actionButton('accept').isEnabled(), true);
  assert.equal(await actionButton('cancel').isEnabled(), true);
  assert.equal(await actionButton('dispatch').isEnabled(), false);
  assert.equal(await actionButton('archive').isEnabled(), false);
});

test('accept creates the order on the cash server on the delivery table', async () => {
  await actionButton('accept').click();
  await expectText(page.locator('#action-result'), 'Заказ принят');
  await expectText(row(accepted), 'Создан');
  const record = await consoleOrder(accepted);
  assert.equal(record.delivery_state, 'created');
  assert.equal(record.status, 0);
  assert.match(record.table.name, /^Dlv(\.\d+)?$/);
  assert.ok((await page.locator('#action-result').textContent()).includes(record.table.name));
  assert.deepEqual(record.history.at(-1), { ...record.history.at(-1), action: 'accept', operator: operatorName, result: 'ok' });
  if (usingMock) {
    const till = (await api('GET', '/test/cash_server/orders')).body.data.orders;
    assert.ok(till.some((o) => o.guid === accepted && o.table === record.table.name), 'the order is on the cash server');
  } else if (env.RK7SIM_STATE_URL) {
    const dump = await fetchWithUrlCredentials(env.RK7SIM_STATE_URL);
    assert.ok(dump.toUpperCase().includes(accepted.slice(1, -1)), 'rk7sim holds the order');
  }
  assert.equal(await actionButton('accept').isEnabled(), false);
  assert.equal(await actionButton('dispatch').isEnabled(), true);
});

test('cancel asks for a reason and deletes a waiting order', async () => {
  cancelled = await postOrder(2, { name: 'Петров Пётр', phone: '+79995554433', address: 'пр. Мира, 10' });
  await openOrder(cancelled);
  await actionButton('cancel').click();
  await page.locator('#cancel-dialog').waitFor();
  await page.click('#cancel-confirm');
  await expectText(page.locator('#cancel-error'), 'Укажите причину');
  await page.fill('#cancel-reason', 'Гость отказался');
  await page.click('#cancel-confirm');
  await expectText(page.locator('#action-result'), 'Заказ отменён');
  const record = await consoleOrder(cancelled);
  assert.equal(record.delivery_state, 'deleted');
  assert.equal(record.status, 3);
  assert.equal(record.history.at(-1).reason, 'Гость отказался');
  await expectText(detail().locator('.history'), 'Гость отказался');
});

test('the filters show each order under its state, with counts', async () => {
  await showTab('waiting');
  await assertListed({ [accepted]: false, [cancelled]: false });
  await showTab('created');
  await assertListed({ [accepted]: true, [cancelled]: false });
  await showTab('deleted');
  await assertListed({ [accepted]: false, [cancelled]: true });
  await showTab('all');
  await assertListed({ [accepted]: true, [cancelled]: true });
  if (usingMock) {
    const counts = await page.locator('[role=tab] .count').allTextContents();
    assert.deepEqual(counts, ['2', '0', '1', '0', '0', '0', '1']);
  }
});

async function assertListed(expected) {
  for (const [guid, shown] of Object.entries(expected))
    assert.equal(await row(guid).count(), shown ? 1 : 0, `${guid} ${shown ? 'listed' : 'not listed'} in tab ${await page.locator('[aria-selected=true][role=tab]').getAttribute('data-state')}`);
}

test('an order another operator accepted first gets a clear 409 message', async () => {
  const contested = await postOrder(3, { name: 'Сидорова Анна', phone: '+79991112233', address: 'ул. Ленина, 5' });
  await openOrder(contested);
  // Hold the page's change polls so it still shows the order waiting when it acts.
  // The page polls one request at a time, so once one is held no update can land.
  const held = [];
  let firstHeld;
  const holding = new Promise((resolve) => { firstHeld = resolve; });
  const isPoll = (url) => url.searchParams.has('since_version');
  const hold = (route) => { held.push(route); firstHeld(); };
  await page.route(isPoll, hold);
  try {
    await withDeadline(holding, 'the page polls for changes');
    const other = await api('POST', `/api/v3/console/orders/${encodeURIComponent(contested)}/accept`, { token: otherOperatorToken });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    await actionButton('accept').click();
    await expectText(page.locator('#action-result'), `Другой оператор (${otherOperatorName}) уже принял этот заказ`);
    assert.match(await page.locator('#action-result').getAttribute('class'), /is-error/);
  } finally {
    for (const route of held) await route.continue();
    await page.unroute(isPoll, hold); // a poll held after this point is continued by unroute
  }
  await expectText(row(contested), 'Создан');
  assert.equal(await actionButton('accept').isEnabled(), false);
});

test('an unavailable cash server leaves the order waiting with the error shown', { skip: !usingMock && 'needs the mock cash-server switch' }, async () => {
  const stuck = await postOrder(4, { name: 'Кузнецов Олег', phone: '+79990009988', address: 'Тверская, 7' });
  await api('POST', '/test/cash_server', { body: { restaurant, reachable: false } });
  try {
    await openOrder(stuck);
    await actionButton('accept').click();
    await expectText(page.locator('#action-result'), 'Касса недоступна: заказ остаётся в ожидании');
    await expectText(detail().locator('.last-error'), 'unreachable');
    const record = await consoleOrder(stuck);
    assert.equal(record.delivery_state, 'waiting');
    assert.equal(record.status, 5);
    assert.equal(await actionButton('accept').isEnabled(), true);
  } finally {
    await api('POST', '/test/cash_server', { body: { restaurant, reachable: true } });
  }
});

test('dispatch and archive move an accepted order on', async () => {
  await showTab('created');
  await openOrder(accepted);
  await actionButton('dispatch').click();
  await expectText(page.locator('#action-result'), 'Заказ передан курьеру');
  assert.equal((await consoleOrder(accepted)).delivery_state, 'in_transit');
  await actionButton('archive').click();
  await expectText(page.locator('#action-result'), 'Заказ перенесён в архив');
  assert.equal((await consoleOrder(accepted)).delivery_state, 'archived');
  await showTab('archived');
  await assertListed({ [accepted]: true });
  await showTab('all');
  await assertListed({ [accepted]: false });
});

test('English labels, and screenshots of the console in both languages', async () => {
  const extra = usingMock ? { items: [...items, { id: 1000090, quantity: 1 }, { id: 1000077, quantity: 1, price: 300 }] } : {};
  const shown = await postOrder(5, { name: 'Смирнова Мария', phone: '+79997776655', address: 'ул. Садовая, 12, подъезд 3' }, extra);
  await openOrder(shown);
  const arriving = await postOrder(6, { name: 'Орлов Денис', phone: '+79993334455', address: 'Кутузовский пр., 30' });
  await row(arriving).waitFor({ timeout: WAIT_MS });
  await page.click('[data-lang=en]');
  await expectText(tab('waiting'), 'Waiting');
  await expectText(actionButton('accept'), 'Accept');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.screenshot({ path: path.join(artifacts, 'console-en.png'), fullPage: true });
  await page.click('[data-lang=ru]');
  await expectText(tab('waiting'), 'Ожидает');
  await page.screenshot({ path: path.join(artifacts, 'console.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});
