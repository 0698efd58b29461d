/**
 * Which failed calls to the service are worth making again in a moment, and when. `ServiceApi`
 * marks each `CliError` it makes with this verdict; `retryWhileTransient` acts on it.
 */
import type { CliError } from './cli-error';

/**
 * A read changes nothing, so every failure that may pass is worth another try. An upload is the
 * command's first call: an unknown host or a timeout says more about the address than about a
 * passing hiccup, and a 500 is a fault the same file would meet again. It is tried again only
 * while the service looks briefly away (restarting, overloaded, behind a proxy that lost it) or
 * is still storing the same upload (409, same idempotency key). A change (cancel, retry,
 * delete) is sent once: its answer says what became of the request, so a person decides.
 */
export type CallKind = 'read' | 'upload' | 'change';

const TRANSIENT_UPLOAD_ANSWERS: ReadonlySet<number> = new Set([409, 429, 502, 503, 504]);
/** Refused, reset or closed: a service restarting, or a connection a proxy dropped. */
const TRANSIENT_UPLOAD_CONNECTION_FAILURES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/** Whether an HTTP error answer to a call may be different in a moment. */
export function isTransientAnswer(kind: CallKind, status: number): boolean {
  switch (kind) {
    case 'read':
      return status === 408 || status === 429 || status >= 500;
    case 'upload':
      return TRANSIENT_UPLOAD_ANSWERS.has(status);
    case 'change':
      return false;
  }
}

/** Whether a call that got no answer, failing with the network error `code`, may succeed soon. */
export function isTransientConnectionFailure(kind: CallKind, code: string): boolean {
  switch (kind) {
    case 'read':
      return true;
    case 'upload':
      return TRANSIENT_UPLOAD_CONNECTION_FAILURES.has(code);
    case 'change':
      return false;
  }
}

/**
 * A Retry-After header as milliseconds from `nowMs`: delay-seconds or an HTTP date (RFC 9110);
 * undefined when there is none or it cannot be read.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  const text = header?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP date format starts with the day's name; Date.parse alone takes almost anything.
  const date = /^[a-z]{3}/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The pauses before the first, second and third retry of an upload. */
const UPLOAD_RETRY_DELAYS_MS = [500, 1000, 2000];
/** Asked to wait longer than this, an upload stops and says when to try again instead. */
export const MAX_UPLOAD_RETRY_AFTER_MS = 30_000;

/**
 * The pause before trying an upload again after its `failures`-th transient failure in a row:
 * 0.5 s, 1 s, then 2 s, or as long as the service asked with Retry-After. Undefined, to give up,
 * after three retries or when the service asked for more than `MAX_UPLOAD_RETRY_AFTER_MS`.
 */
export function uploadRetryDelayMs(failures: number, problem: CliError): number | undefined {
  const backoffMs = UPLOAD_RETRY_DELAYS_MS.at(failures - 1);
  const askedMs = problem.extras.retryAfterMs ?? 0;
  if (backoffMs === undefined || askedMs > MAX_UPLOAD_RETRY_AFTER_MS) return undefined;
  return Math.max(backoffMs, askedMs);
}
