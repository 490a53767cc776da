// In-memory mock of rkgate's operator-console backend: the executable form of
// docs/console.md. It serves web/console/ at /console/, the console API under
// /api/v3/console/, a manual-acceptance-only POST /api/v3/postorder for injecting
// orders the way a web shop would, and a few /test/ knobs that stand in for the cash
// server. It lets the console be developed and browser-tested before the real backend
// exists; the same browser test later runs against rkgate + rk7sim (RKGATE_CONSOLE_URL).
//
// Run alone: node tests/console/mock_gateway.mjs [port]   (prints "READY <port>")
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(here, '../../web/console');

/// Fixed configuration of the mock: what rkgate would read from its YAML.
export const mockConfig = {
  operators: [
    { name: 'hall', token: 'op-secret-1', restaurants: ['msk-01', 'msk-02'] },
    { name: 'evening', token: 'op-secret-2', restaurants: ['msk-01'] },
  ],
  sources: [{ name: 'site', token: 'src-secret-1', restaurants: ['msk-01', 'msk-02'] }],
  restaurants: [
    { id: 'msk-01', name: 'Москва, Пушкина 1', delivery_table: 'Dlv' },
    { id: 'msk-02', name: 'Москва, Тверская 7', delivery_table: 'Dlv' },
  ],
  // The menu the validate-style checks price against (price in kopecks).
  menu: [
    { id: 1000041, code: 41, name: 'Пирог с капустой', price: 15000, remains: null, stop: false },
    { id: 1000062, code: 62, name: 'Хлеб бородинский', price: 4500, remains: 3, stop: false },
    { id: 1000077, code: 77, name: 'Борщ', price: 32000, remains: null, stop: false },
    { id: 1000090, code: 90, name: 'Квас', price: 12000, remains: null, stop: true },
  ],
  modifiers: [{ id: 1000870, code: 870, name: 'Сметана', price: 3000 }],
};

const STATES = ['waiting', 'created', 'accepted', 'in_transit', 'archived', 'deleted'];
const TRANSITIONS = {
  accept: { from: ['waiting'], to: 'created' },
  cancel: { from: ['waiting'], to: 'deleted' },
  dispatch: { from: ['created', 'accepted'], to: 'in_transit' },
  archive: { from: ['created', 'accepted', 'in_transit', 'deleted'], to: 'archived' },
};
const ACTION_ORDER = ['accept', 'cancel', 'dispatch', 'archive'];
const STATUS_NAMES = { 0: 'open', 1: 'closed', 2: 'bill', 3: 'deleted', 4: 'deferred', 5: 'new' };

class ApiError extends Error {
  constructor(http, code, message, details) {
    super(message);
    Object.assign(this, { http, code, details });
  }
}

const toMoney = (kopecks) => Math.round(kopecks) / 100;
const toKopecks = (money) => Math.round(Number(money) * 100);

/// Local time of the restaurants (Moscow, +03:00), formatted as api.md wants.
function nowIso() {
  const t = new Date(Date.now() + 3 * 3600 * 1000).toISOString().slice(0, 19);
  return `${t}+03:00`;
}

function newGuid() {
  return `{${crypto.randomUUID().toUpperCase()}}`;
}

function ok(res, data, httpStatus = 200) {
  send(res, httpStatus, { result: true, data });
}

function fail(res, err) {
  const body = { result: false, msg: err.message, error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  send(res, err.http, body);
}

function send(res, httpStatus, body) {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'bad_json', 'body is not JSON');
  }
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

async function serveStatic(res, relPath) {
  const file = path.resolve(webRoot, relPath === '' ? 'index.html' : relPath);
  if (!file.startsWith(webRoot + path.sep)) throw new ApiError(404, 'not_found', 'no such file');
  let body;
  try {
    body = await fs.readFile(file);
  } catch {
    throw new ApiError(404, 'not_found', 'no such file');
  }
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  res.end(body);
}

/// The in-memory gateway state: orders, the change counter, table pools, cash server knobs.
class ConsoleState {
  constructor(config) {
    this.config = config;
    this.orders = new Map(); // guid -> internal order
    this.version = 0;
    this.seq = 0;
    this.idempotency = new Map(); // source/external_id -> guid
    this.cashServer = new Map(config.restaurants.map((r) => [r.id, { reachable: true, delayMs: 0 }]));
    this.tables = new Map(config.restaurants.map((r) => [r.id, new Set()]));
    this.till = []; // orders "on the cash server": what accept created there
  }

  operatorFor(token) {
    return this.config.operators.find((o) => token && o.token === token);
  }

  touch(order) {
    order.version = ++this.version;
    order.updated_at = nowIso();
  }

  price(body) {
    const problems = [];
    const items = body.items.map((it, index) => {
      const dish = this.config.menu.find((m) => (it.id !== undefined ? m.id === it.id : m.code === it.code));
      if (!dish) {
        problems.push({ index, id: it.id ?? null, code: it.code ?? null, problem: 'unknown_item', blocking: true });
        return { id: it.id ?? null, code: it.code ?? null, name: `#${it.id ?? it.code}`, quantity: it.quantity, priceK: 0, modifiers: [] };
      }
      if (dish.stop) problems.push({ index, id: dish.id, code: dish.code, name: dish.name, problem: 'stop_list', blocking: true });
      else if (dish.remains !== null && dish.remains < it.quantity)
        problems.push({ index, id: dish.id, code: dish.code, name: dish.name, problem: 'not_enough_remains', available: dish.remains, blocking: true });
      if (it.price !== undefined && toKopecks(it.price) !== dish.price)
        problems.push({ index, id: dish.id, code: dish.code, name: dish.name, problem: 'price_changed', price: it.price, actual_price: toMoney(dish.price), blocking: false });
      const modifiers = (it.modifiers ?? []).map((m) => {
        const mod = this.config.modifiers.find((x) => x.id === m.id) ?? { id: m.id, code: null, name: `#${m.id}`, price: 0 };
        return { id: mod.id, code: mod.code, name: mod.name, quantity: m.quantity ?? 1, priceK: mod.price };
      });
      const line = { id: dish.id, code: dish.code, name: dish.name, quantity: it.quantity, priceK: dish.price, modifiers };
      if (it.item_comment) line.item_comment = it.item_comment;
      return line;
    });
    let sumK = 0;
    for (const l of items) {
      l.sumK = Math.round(l.priceK * l.quantity + l.modifiers.reduce((s, m) => s + m.priceK * m.quantity, 0) * l.quantity);
      sumK += l.sumK;
    }
    const discounts = (body.discounts ?? []).map((d) => {
      const k = toKopecks(d.sum ?? 0);
      sumK += d.type === 'MARKUPSUM' ? k : -k;
      return { type: d.type, code: d.code, name: d.type === 'MARKUPSUM' ? 'Наценка' : 'Скидка', sum: toMoney(k) };
    });
    const payments = (body.payments ?? []).map((p) => ({ currency_code: p.currency_code, sum: p.sum }));
    const paidK = payments.reduce((s, p) => s + toKopecks(p.sum), 0);
    return { items, discounts, payments, sumK, paidK, problems };
  }

  receive(source, body) {
    if (!Array.isArray(body.items) || body.items.length === 0)
      throw new ApiError(400, 'bad_request', 'items must be a non-empty array', { field: 'items' });
    body.items.forEach((it, i) => {
      if (!(typeof it.quantity === 'number' && it.quantity > 0))
        throw new ApiError(400, 'bad_request', 'quantity must be a positive number', { field: `items[${i}].quantity` });
    });
    const restaurant = body.restaurant ?? (source.restaurants.length === 1 ? source.restaurants[0] : undefined);
    if (!restaurant) throw new ApiError(400, 'bad_request', 'restaurant is required', { field: 'restaurant' });
    if (!source.restaurants.includes(restaurant)) throw new ApiError(404, 'unknown_restaurant', `unknown restaurant ${restaurant}`);
    if (body.accept !== 'manual')
      throw new ApiError(400, 'bad_request', 'the mock gateway only takes accept: "manual" orders', { field: 'accept' });
    const key = `${source.name}/${body.external_id ?? ''}`;
    if (body.external_id && this.idempotency.has(key)) return { order: this.orders.get(this.idempotency.get(key)), repeated: true };

    const priced = this.price(body);
    const at = nowIso();
    const order = {
      guid: newGuid(),
      external_id: body.external_id ?? null,
      source: source.name,
      restaurant,
      status: 5,
      delivery_state: 'waiting',
      in_progress: null,
      table: null,
      created_at: at,
      updated_at: at,
      deliver_at: body.deliver_at ?? null,
      visit: null,
      order_ident: null,
      ...priced,
      comment: body.comment ?? '',
      short_external_info: body.short_external_info ?? '',
      customer: { name: '', phone: '', address: '', ...(body.customer ?? {}) },
      history: [{ action: 'received', operator: null, at, result: 'ok' }],
      last_error: null,
      seq: ++this.seq,
    };
    this.touch(order);
    this.orders.set(order.guid, order);
    if (body.external_id) this.idempotency.set(key, order.guid);
    return { order, repeated: false };
  }

  /// The public JSON of an order (docs/console.md §4).
  record(o) {
    const item = (l) => {
      const j = {
        id: l.id, code: l.code, name: l.name, quantity: l.quantity, price: toMoney(l.priceK), sum: toMoney(l.sumK),
        modifiers: l.modifiers.map((m) => ({ id: m.id, code: m.code, name: m.name, quantity: m.quantity, price: toMoney(m.priceK) })),
      };
      if (l.item_comment) j.item_comment = l.item_comment;
      return j;
    };
    const allowed = o.in_progress ? [] : ACTION_ORDER.filter((a) => TRANSITIONS[a].from.includes(o.delivery_state));
    return {
      guid: o.guid, external_id: o.external_id, source: o.source, restaurant: o.restaurant,
      status: o.status, status_name: STATUS_NAMES[o.status], delivery_state: o.delivery_state,
      allowed_actions: allowed, in_progress: o.in_progress, table: o.table,
      created_at: o.created_at, updated_at: o.updated_at, deliver_at: o.deliver_at,
      visit: o.visit, order_ident: o.order_ident,
      sum: toMoney(o.sumK), paid: toMoney(o.paidK), to_pay: toMoney(Math.max(0, o.sumK - o.paidK)),
      items: o.items.map(item), discounts: o.discounts, payments: o.payments,
      comment: o.comment, short_external_info: o.short_external_info, customer: o.customer,
      problems: o.problems, history: o.history, last_error: o.last_error, version: o.version,
    };
  }

  visibleOrders(operator, restaurant) {
    if (restaurant !== undefined && !operator.restaurants.includes(restaurant))
      throw new ApiError(403, 'forbidden', `restaurant ${restaurant} is not granted to operator ${operator.name}`);
    const allowed = restaurant !== undefined ? [restaurant] : operator.restaurants;
    return [...this.orders.values()].filter((o) => allowed.includes(o.restaurant));
  }

  counts(orders) {
    const c = Object.fromEntries(['all', ...STATES].map((s) => [s, 0]));
    for (const o of orders) {
      c[o.delivery_state] += 1;
      if (o.delivery_state !== 'archived') c.all += 1;
    }
    return c;
  }

  list(operator, q) {
    const state = q.get('state') ?? 'all';
    if (state !== 'all' && !STATES.includes(state)) throw new ApiError(400, 'bad_request', `unknown state ${state}`, { field: 'state' });
    const limit = q.has('limit') ? Number(q.get('limit')) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new ApiError(400, 'bad_request', 'limit must be 1..200', { field: 'limit' });
    const visible = this.visibleOrders(operator, q.get('restaurant') ?? undefined);
    const counts = this.counts(visible);

    if (q.has('since_version')) {
      const since = Number(q.get('since_version'));
      if (!Number.isInteger(since) || since < 0) throw new ApiError(400, 'bad_request', 'since_version must be a non-negative integer', { field: 'since_version' });
      if (since > this.version) return { ...this.page(visible, 'all', limit, null), counts, reset: true };
      const changed = visible.filter((o) => o.version > since).sort((a, b) => a.version - b.version);
      const more = changed.length > limit;
      const shown = changed.slice(0, limit);
      return { orders: shown.map((o) => this.record(o)), version: more ? shown[shown.length - 1].version : this.version, more, counts };
    }
    let after = null;
    if (q.has('cursor')) {
      const m = /^seq:(\d+)$/.exec(Buffer.from(q.get('cursor'), 'base64url').toString());
      if (!m) throw new ApiError(400, 'bad_request', 'malformed cursor', { field: 'cursor' });
      after = Number(m[1]);
    }
    return { ...this.page(visible, state, limit, after), counts };
  }

  page(visible, state, limit, after) {
    const inState = visible
      .filter((o) => (state === 'all' ? o.delivery_state !== 'archived' : o.delivery_state === state))
      .filter((o) => after === null || o.seq < after)
      .sort((a, b) => b.seq - a.seq);
    const shown = inState.slice(0, limit);
    const nextCursor = inState.length > limit ? Buffer.from(`seq:${shown[shown.length - 1].seq}`).toString('base64url') : null;
    return { orders: shown.map((o) => this.record(o)), next_cursor: nextCursor, version: this.version };
  }

  find(operator, guid) {
    const o = this.orders.get(guid.toUpperCase());
    if (!o || !operator.restaurants.includes(o.restaurant)) throw new ApiError(404, 'not_found', `no order ${guid}`);
    return o;
  }

  refusal(o, action) {
    const lastOk = [...o.history].reverse().find((h) => h.result === 'ok' && h.action !== 'received') ?? null;
    const details = { delivery_state: o.delivery_state, last_action: lastOk, in_progress: o.in_progress };
    if (o.in_progress) return new ApiError(409, 'conflict', `order is busy: ${o.in_progress} in progress`, details);
    return new ApiError(409, 'invalid_state', `cannot ${action} an order in state ${o.delivery_state}`, details);
  }

  async act(operator, guid, action, body) {
    const o = this.find(operator, guid);
    const rule = TRANSITIONS[action];
    let reason;
    if (action === 'cancel') {
      reason = typeof body.reason === 'string' ? body.reason.trim() : '';
      if (reason.length === 0 || reason.length > 255) throw new ApiError(400, 'bad_request', 'reason must be 1-255 characters', { field: 'reason' });
    }
    if (o.in_progress || !rule.from.includes(o.delivery_state)) throw this.refusal(o, action);
    const entry = { action, operator: operator.name, at: nowIso(), result: 'ok' };
    if (reason !== undefined) entry.reason = reason;

    if (action === 'accept') {
      o.in_progress = 'accept';
      this.touch(o);
      try {
        await this.createOnCashServer(o);
      } catch (err) {
        o.in_progress = null;
        entry.result = 'error';
        entry.error = { code: err.code, message: err.message };
        o.history.push(entry);
        o.last_error = { code: err.code, message: err.message, at: entry.at };
        this.touch(o);
        throw err;
      }
      o.in_progress = null;
    }
    if (action === 'cancel') o.status = 3;
    o.delivery_state = rule.to;
    o.last_error = null;
    o.history.push(entry);
    this.touch(o);
    return o;
  }

  async createOnCashServer(o) {
    const cs = this.cashServer.get(o.restaurant);
    if (cs.delayMs > 0) await new Promise((r) => setTimeout(r, cs.delayMs));
    if (!cs.reachable) throw new ApiError(503, 'cash_server_unavailable', `cash server ${o.restaurant} is unreachable; nothing was created`);
    const blocking = o.problems.filter((p) => p.blocking);
    if (blocking.length) throw new ApiError(422, 'cart_invalid', 'the cart cannot be sold now', blocking);
    const base = this.config.restaurants.find((r) => r.id === o.restaurant).delivery_table;
    const taken = this.tables.get(o.restaurant);
    let n = 0;
    while (taken.has(n)) n += 1;
    taken.add(n);
    o.table = { code: 101, name: n === 0 ? base : `${base}.${n}` };
    o.status = 0;
    o.visit = 100 + this.till.length;
    o.order_ident = 256 + this.till.length;
    this.till.push({ guid: o.guid, restaurant: o.restaurant, table: o.table.name, items: o.items.map((l) => ({ id: l.id, quantity: l.quantity })) });
  }
}

/// Starts the mock on 127.0.0.1:port (0 = any free port). Resolves to {url, port, state, close()}.
export async function startMockGateway({ port = 0 } = {}) {
  const state = new ConsoleState(mockConfig);
  const server = http.createServer((req, res) => {
    handle(state, req, res).catch((err) => {
      if (err instanceof ApiError) return fail(res, err);
      fail(res, new ApiError(500, 'internal', String(err?.message ?? err)));
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    state,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

async function handle(state, req, res) {
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname;
  const method = req.method;

  if (method === 'GET' && p === '/console') {
    res.writeHead(301, { Location: '/console/' });
    return res.end();
  }
  if (method === 'GET' && p.startsWith('/console/')) return serveStatic(res, decodeURIComponent(p.slice('/console/'.length)));

  if (p === '/api/v3/postorder' && method === 'POST') {
    const body = await readJson(req);
    const token = req.headers.token ?? url.searchParams.get('token') ?? body.token;
    const source = state.config.sources.find((s) => token && s.token === token);
    if (!source) throw new ApiError(401, 'unauthorized', 'no or unknown token');
    const { order, repeated } = state.receive(source, body);
    const rec = state.record(order);
    return ok(res, { guid: order.guid, status: 5, table: null, order: rec }, repeated ? 200 : 201);
  }

  if (p.startsWith('/api/v3/console/')) {
    const operator = state.operatorFor(req.headers.token ?? url.searchParams.get('token'));
    if (!operator) throw new ApiError(401, 'unauthorized', 'no or unknown operator token');
    const rest = p.slice('/api/v3/console/'.length);
    if (method === 'GET' && rest === 'me') {
      const restaurants = state.config.restaurants.filter((r) => operator.restaurants.includes(r.id)).map((r) => ({ id: r.id, name: r.name }));
      return ok(res, { name: operator.name, restaurants });
    }
    if (method === 'GET' && rest === 'orders') return ok(res, state.list(operator, url.searchParams));
    const m = /^orders\/([^/]+)(?:\/(accept|cancel|dispatch|archive))?$/.exec(rest);
    if (m) {
      const guid = decodeURIComponent(m[1]);
      if (method === 'GET' && !m[2]) return ok(res, state.record(state.find(operator, guid)));
      if (method === 'POST' && m[2]) {
        const body = await readJson(req);
        return ok(res, state.record(await state.act(operator, guid, m[2], body)));
      }
    }
    throw new ApiError(404, 'not_found', `no route ${method} ${p}`);
  }

  // Test knobs standing in for the cash server (not part of the contract).
  if (p === '/test/cash_server' && method === 'POST') {
    const body = await readJson(req);
    const cs = state.cashServer.get(body.restaurant ?? 'msk-01');
    if (!cs) throw new ApiError(404, 'unknown_restaurant', 'unknown restaurant');
    if (typeof body.reachable === 'boolean') cs.reachable = body.reachable;
    if (typeof body.delay_ms === 'number') cs.delayMs = body.delay_ms;
    return ok(res, { ...cs });
  }
  if (p === '/test/cash_server/orders' && method === 'GET') return ok(res, { orders: state.till });
  const track = /^\/test\/orders\/([^/]+)\/tracking$/.exec(p);
  if (track && method === 'POST') {
    // What status tracking would do when the till confirms (accepted) or deletes an order.
    const body = await readJson(req);
    const o = state.orders.get(decodeURIComponent(track[1]).toUpperCase());
    if (!o || !['accepted', 'deleted'].includes(body.to)) throw new ApiError(400, 'bad_request', 'unknown order or target state');
    o.delivery_state = body.to;
    if (body.to === 'deleted') o.status = 3;
    o.history.push({ action: 'tracking', operator: null, at: nowIso(), result: 'ok', to: body.to });
    state.touch(o);
    return ok(res, state.record(o));
  }
  throw new ApiError(404, 'not_found', `no route ${method} ${p}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const gw = await startMockGateway({ port: Number(process.argv[2] ?? 0) });
  console.log(`READY ${gw.port}`);
  console.error(`mock gateway: ${gw.url}/console/  operators: ${mockConfig.operators.map((o) => `${o.name}=${o.token}`).join(', ')}; source token ${mockConfig.sources[0].token}`);
}
