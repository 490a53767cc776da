// Builds the order list rows and the detail panel from order records (docs/console.md §4).
import { t } from './i18n.js';
import { el, money, quantity, dateTime, time } from './format.js';

export const ACTIONS = ['accept', 'cancel', 'dispatch', 'archive'];

/// The number shown for an order: its r_keeper order number once created, else the shop's id.
function orderNumber(o) {
  return o.order_ident ?? o.external_id ?? o.guid.slice(1, 9);
}

export function stateBadge(state) {
  return el('span', { class: `badge state-${state}` }, t(`state.${state}`));
}

/// One <tr> of the list. isNew marks orders that arrived while the page was open.
export function orderRow(o, { selected, isNew, onSelect }) {
  const c = o.customer ?? {};
  const select = () => onSelect(o.guid);
  return el('tr', {
    class: ['order-row', `row-${o.delivery_state}`, isNew && 'is-new', selected && 'is-selected'].filter(Boolean).join(' '),
    tabindex: '0',
    'aria-selected': String(Boolean(selected)),
    dataset: { guid: o.guid, state: o.delivery_state },
    onclick: select,
    onkeydown: (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select();
      }
    },
  },
  el('td', { class: 'order-no' }, String(orderNumber(o)), isNew && el('span', { class: 'new-badge' }, t('list.new'))),
  el('td', { class: 'customer-name' }, c.name || '—'),
  el('td', {}, el('div', { class: 'nowrap' }, c.phone ?? ''), el('div', { class: 'muted' }, c.address ?? '')),
  el('td', { class: 'nowrap' }, o.deliver_at ? dateTime(o.deliver_at) : t('detail.asap')),
  el('td', { class: 'num nowrap' }, money(o.sum)),
  el('td', {}, stateBadge(o.delivery_state), (o.last_error || o.problems?.some((p) => p.blocking)) && el('span', { class: 'warn-mark', title: t('detail.has_error'), 'aria-label': t('detail.has_error') }, '!')));
}

export function problemText(p) {
  const params = { available: quantity(p.available), price: money(p.price), actual_price: money(p.actual_price) };
  const what = t(`problem.${p.problem}`, params);
  return p.name ? `${p.name}: ${what}` : what;
}

function field(label, value, attrs = {}) {
  if (value === undefined || value === null || value === '') return null;
  return [el('dt', {}, label), el('dd', attrs, value)];
}

function contents(o) {
  const rows = [];
  for (const item of o.items ?? []) {
    rows.push(el('tr', {},
      el('td', {}, item.name, item.item_comment && el('div', { class: 'item-comment' }, item.item_comment)),
      el('td', { class: 'num' }, quantity(item.quantity)),
      el('td', { class: 'num' }, money(item.price)),
      el('td', { class: 'num' }, money(item.sum))));
    for (const m of item.modifiers ?? [])
      rows.push(el('tr', { class: 'modifier' },
        el('td', {}, `+ ${m.name}`),
        el('td', { class: 'num' }, quantity(m.quantity)),
        el('td', { class: 'num' }, money(m.price)),
        el('td', {})));
  }
  for (const d of o.discounts ?? [])
    rows.push(el('tr', { class: 'discount' }, el('td', { colspan: '3' }, d.name ?? d.type), el('td', { class: 'num' }, (d.type === 'MARKUPSUM' ? '+' : '−') + money(d.sum))));
  return el('table', { class: 'contents' },
    el('caption', {}, t('detail.contents')),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, t('detail.item')),
      el('th', { scope: 'col', class: 'num' }, t('detail.quantity')),
      el('th', { scope: 'col', class: 'num' }, t('detail.price')),
      el('th', { scope: 'col', class: 'num' }, t('detail.line_sum')))),
    el('tbody', {}, rows),
    el('tfoot', {},
      el('tr', { class: 'total' }, el('th', { scope: 'row', colspan: '3' }, t('detail.total')), el('td', { class: 'num', 'data-field': 'sum' }, money(o.sum))),
      o.paid ? el('tr', {}, el('th', { scope: 'row', colspan: '3' }, t('detail.paid')), el('td', { class: 'num' }, money(o.paid))) : null,
      o.paid ? el('tr', {}, el('th', { scope: 'row', colspan: '3' }, t('detail.to_pay')), el('td', { class: 'num' }, money(o.to_pay))) : null));
}

function historyList(o) {
  return el('ol', { class: 'history' }, (o.history ?? []).map((h) => {
    const what = h.action === 'tracking' ? `${t('action.tracking')}: ${t(`state.${h.to}`)}` : t(`action.${h.action}`);
    return el('li', { class: h.result === 'error' ? 'history-error' : '' },
      el('time', { datetime: h.at }, dateTime(h.at)), ' ',
      h.operator ? el('strong', {}, h.operator) : null, h.operator ? ' — ' : '',
      what,
      h.result === 'error' ? ` (${t('result.error')}: ${h.error?.message ?? h.error?.code ?? ''})` : '',
      h.reason ? ` — «${h.reason}»` : '');
  }));
}

/// The detail panel: fields, problems, contents, buttons, the action result, history.
export function orderDetail(o, { restaurantName, message, busy, onAction }) {
  const c = o.customer ?? {};
  const allowed = new Set(o.allowed_actions ?? []);
  const hasProblems = (o.problems ?? []).length > 0;
  return [
    el('header', { class: 'detail-head' },
      el('h2', { id: 'detail-heading' }, t('detail.order', { id: String(orderNumber(o)) })),
      stateBadge(o.delivery_state)),
    el('dl', { class: 'fields' },
      field(t('detail.customer'), c.name, { 'data-field': 'name' }),
      field(t('detail.phone'), c.phone ? el('a', { href: `tel:${c.phone}` }, c.phone) : null, { 'data-field': 'phone' }),
      field(t('detail.address'), c.address, { 'data-field': 'address' }),
      field(t('detail.deliver_at'), o.deliver_at ? dateTime(o.deliver_at) : t('detail.asap'), { 'data-field': 'deliver_at' }),
      field(t('detail.received'), dateTime(o.created_at)),
      field(t('detail.restaurant'), restaurantName),
      field(t('detail.table'), o.table?.name),
      field(t('detail.comment'), o.comment, { 'data-field': 'comment', class: 'comment' })),
    hasProblems ? el('section', { class: 'problems', 'aria-label': t('detail.problems') },
      el('h3', {}, t('detail.problems')),
      el('ul', {}, o.problems.map((p) => el('li', { class: p.blocking ? 'blocking' : '' }, problemText(p))))) : null,
    o.last_error ? el('p', { class: 'last-error' }, el('strong', {}, `${t('detail.last_error')} (${time(o.last_error.at)}): `), o.last_error.message) : null,
    contents(o),
    el('div', { class: 'actions', role: 'group', 'aria-label': t('detail.heading') }, ACTIONS.map((a) => el('button', {
      type: 'button',
      class: a === 'accept' ? 'primary' : a === 'cancel' ? 'danger' : 'tool',
      dataset: { action: a },
      disabled: busy || !allowed.has(a),
      onclick: () => onAction(o, a),
    }, t(`action.${a}`)))),
    el('p', { id: 'action-result', class: `action-result ${message ? `is-${message.kind}` : ''}`, role: 'status' },
      busy ? t('busy') : o.in_progress ? t('detail.in_progress', { action: t(`action.${o.in_progress}`) }) : message?.text ?? ''),
    el('section', { class: 'history-box' }, el('h3', {}, t('detail.history')), historyList(o)),
  ];
}
