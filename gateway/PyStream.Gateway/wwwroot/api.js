// REST calls (relative URLs, so the UI also works behind a path prefix), the token prompt shown
// after any 401, and the poller that refreshes a page.

const POLL_INTERVAL_MS = 1000;
const TOKEN_KEY = 'pystream.token';

export function jobPath(jid) {
  return `jobs/${encodeURIComponent(jid)}`;
}

export class AuthRequiredError extends Error {
  constructor() {
    super('the gateway needs an access token');
  }
}

export class HttpError extends Error {
  constructor(result) {
    super(errorText(result));
    this.status = result.status;
  }
}

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token) {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage is disabled: the token then lasts only until the page reloads.
    memoryToken = token;
  }
}

let memoryToken = null;

export async function api(path, { method = 'GET', json, body, signal } = {}) {
  const token = storedToken() ?? memoryToken;
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers, body, signal, cache: 'no-store' });
  if (response.status === 401) {
    tokenPanel.show(Boolean(token));
    throw new AuthRequiredError();
  }
  tokenPanel.hide();
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data, text };
}

export async function getJson(path, signal) {
  const result = await api(path, { signal });
  if (!result.ok) throw new HttpError(result);
  return result.data;
}

export function errorText(result) {
  const errors = result.data?.errors;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(String).join('; ');
  if (result.status === 404) return 'not found (HTTP 404)';
  return `HTTP ${result.status}${result.text ? `: ${result.text.slice(0, 200)}` : ''}`;
}

export function describeError(error) {
  if (error instanceof AuthRequiredError) return 'The gateway needs an access token: enter it above.';
  if (error instanceof HttpError) return `The gateway answered: ${error.message}`;
  return `Could not reach the gateway: ${error.message}`;
}

export const tokenPanel = {
  get panel() {
    return document.getElementById('token-panel');
  },

  show(rejected) {
    const panel = this.panel;
    document.getElementById('token-message').textContent = rejected
      ? 'The gateway rejected this token. Enter the right one.'
      : 'This gateway requires an access token for every call.';
    if (panel.hidden) {
      panel.hidden = false;
      document.getElementById('token-input').focus();
    }
  },

  hide() {
    this.panel.hidden = true;
  },

  // onToken runs after the user entered a token, to retry the current page's calls with it.
  install(onToken) {
    document.getElementById('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = document.getElementById('token-input');
      const token = input.value.trim();
      if (!token) return;
      storeToken(token);
      input.value = '';
      this.hide();
      onToken();
    });
  },
};

export class Poller {
  #task;
  #onError;
  #controller = new AbortController();
  #timer = null;
  #stopped = false;
  #inFlight = false;
  #again = false;

  constructor(task, onError) {
    this.#task = task;
    this.#onError = onError;
  }

  start() {
    this.#run();
    return this;
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#controller.abort();
  }

  // Runs the calls now, or right after the ones in flight (never two at once).
  refreshNow() {
    if (this.#stopped) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#run();
  }

  async #run() {
    this.#inFlight = true;
    const started = performance.now();
    try {
      await this.#task(this.#controller.signal);
    } catch (error) {
      if (!this.#stopped) this.#onError(error);
    } finally {
      this.#inFlight = false;
    }
    if (this.#stopped) return;
    const wait = this.#again ? 0 : Math.max(0, POLL_INTERVAL_MS - (performance.now() - started));
    this.#again = false;
    this.#timer = setTimeout(() => this.#run(), wait);
  }
}
