// Formatting helpers and a tiny DOM builder (text only: order data never becomes HTML).
import { language } from './i18n.js';

/// el('td', {class: 'num'}, 'text', childNode, ...): attributes, then children.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c);
  return node;
}

export function money(value) {
  const locale = language() === 'ru' ? 'ru-RU' : 'en-GB';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value ?? 0);
}

export function quantity(value) {
  const locale = language() === 'ru' ? 'ru-RU' : 'en-GB';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(value ?? 0);
}

/// The wall-clock time written in an ISO 8601 string, in the restaurant's own offset
/// (not the browser's time zone): "22.11.2026 13:30" / "2026-11-22 13:30".
export function dateTime(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso ?? '');
  if (!m) return '';
  const [, y, mo, d, h, mi] = m;
  return language() === 'ru' ? `${d}.${mo}.${y} ${h}:${mi}` : `${y}-${mo}-${d} ${h}:${mi}`;
}

export function time(iso) {
  const m = /T(\d{2}):(\d{2})/.exec(iso ?? '');
  return m ? `${m[1]}:${m[2]}` : '';
}
