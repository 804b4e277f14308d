// Shared pieces of the Web UI checks: the browser, named steps, bounded polling, the token.
import { chromium } from 'playwright-core';

export const STEP_TIMEOUT_MS = 15_000;

// Playwright's expect.poll intervals: quick at first, then once a second.
const POLL_INTERVALS_MS = [100, 250, 500, 1000];

export class StepFailure extends Error {
  constructor(what, detail) {
    super(`${what}: ${detail}`);
    this.what = what;
    this.detail = detail;
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// Runs one step; prints `ok: <what>` (or the string the step returns) or fails with its name.
export async function step(what, body) {
  let result;
  try {
    result = await body();
  } catch (error) {
    throw error instanceof StepFailure ? error : new StepFailure(what, firstLine(error));
  }
  console.log(`ok: ${typeof result === 'string' ? result : what}`);
  return result;
}

function firstLine(error) {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '') ?? message;
}

// Reads `read()` until `accept(value)` holds, like expect.poll; the error names the last value.
export async function pollUntil(description, read, accept, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  for (let attempt = 0; ; attempt++) {
    try {
      last = await read();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const seen = lastError ? `last error: ${firstLine(lastError)}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (${seen})`);
    }
    const interval = POLL_INTERVALS_MS[Math.min(attempt, POLL_INTERVALS_MS.length - 1)];
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, remaining)));
  }
}

// Text of a locator, or null while it is not on the page (polled reads must not wait themselves).
export async function textOf(locator) {
  return (await locator.count()) > 0 ? (await locator.first().textContent())?.trim() ?? '' : null;
}

// Opens the UI; with a token, answers the prompt that the first 401 brings up.
export async function openOverview(page, baseUrl, token) {
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: STEP_TIMEOUT_MS });
  if (token) {
    const input = page.getByTestId('token-input');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await input.fill(token);
    await input.press('Enter');
    await page.getByTestId('token-panel').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }
  await page.getByTestId('jobs-table').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await pollUntil('the overview counts', () => textOf(page.getByTestId('overview-running')), (t) => /^\d/.test(t ?? ''));
}

// Runs a check: prints FAIL and sets exit code 1 on any failure, and always closes the browser.
export async function runCheck(body) {
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await body(page);
  } catch (error) {
    const failure = error instanceof StepFailure ? error : new StepFailure('browser', firstLine(error));
    console.log(`FAIL: ${failure.what}: ${failure.detail}`);
    process.exitCode = 1;
  } finally {
    await browser?.close().catch(() => {});
  }
}

export function usage(text) {
  console.log(`usage: ${text}`);
  process.exit(2);
}
