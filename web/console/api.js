// The console's calls to /api/v3/console/ (docs/console.md), same origin.

/// A failed call: HTTP status (0 = no connection), the envelope's error code, message, details.
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const BASE = new URL('../api/v3/console/', document.baseURI);

export class ConsoleApi {
  constructor(token) {
    this.token = token;
  }

  me() {
    return this.call('GET', 'me');
  }

  /// A page of the list: {state, restaurant?, cursor?, limit?}.
  orders(params) {
    return this.call('GET', 'orders', { query: params });
  }

  /// Orders changed after version (the 2-second poll).
  changes(version, restaurant) {
    return this.call('GET', 'orders', { query: { since_version: version, restaurant, limit: 200 } });
  }

  order(guid) {
    return this.call('GET', `orders/${encodeURIComponent(guid)}`);
  }

  /// accept | cancel | dispatch | archive; resolves to {status, order}.
  async act(guid, action, body = {}) {
    return this.call('POST', `orders/${encodeURIComponent(guid)}/${action}`, { body, withStatus: true });
  }

  async call(method, path, { query = {}, body, withStatus = false } = {}) {
    const url = new URL(path, BASE);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
    const init = { method, headers: { token: this.token, Accept: 'application/json' }, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json; charset=utf-8';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      throw new ApiError(0, 'network', String(err.message ?? err));
    }
    let envelope = null;
    try {
      envelope = await response.json();
    } catch {
      // A proxy's HTML error page or an empty body: reported below by status.
    }
    if (!response.ok || !envelope || envelope.result !== true) {
      const e = envelope?.error ?? {};
      throw new ApiError(response.status, e.code ?? 'http_' + response.status, e.message ?? envelope?.msg ?? response.statusText, e.details);
    }
    return withStatus ? { status: response.status, data: envelope.data } : envelope.data;
  }
}
