import { AxiosError } from 'axios';
import { UNSAFE_ADDRESS_CODE } from '../network/guarded-agent';
import { WebhookOutcome } from '../requests/webhook-delivery.entity';

/** What a receiver answered, whatever its status. */
export interface WebhookResponse {
  statusCode: number;
  /** Milliseconds the receiver asked us to wait, from Retry-After. */
  retryAfterMs: number | null;
  /** The start of the answer's body (a few KB at most); '' when it had none. */
  bodyStart: string;
}

/** How much of a failed answer's body the recorded reason quotes. */
const QUOTED_BODY_CHARACTERS = 200;

/** One delivery attempt as it happened: an answer, or the error that stopped it. */
export type WebhookAttempt = { response: WebhookResponse } | { error: unknown };

export type WebhookVerdict =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; statusCode: number | null; reason: string; retryAfterMs: number | null }
  | { kind: 'give-up'; statusCode: number | null; reason: string };

/** 408 and 429 are the 4xx answers that ask to be tried again. */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 429]);

/**
 * Decides what one delivery attempt means: delivered, try again (maybe after a time the
 * receiver asked for), or give up. The only place that judges a webhook attempt.
 */
export function judgeWebhookAttempt(attempt: WebhookAttempt): WebhookVerdict {
  if ('error' in attempt) {
    const reason = attempt.error instanceof Error ? attempt.error.message : String(attempt.error);
    // The SSRF guard refused the receiver's address: no retry will change that.
    if (attempt.error instanceof AxiosError && attempt.error.code === UNSAFE_ADDRESS_CODE) {
      return { kind: 'give-up', statusCode: null, reason };
    }
    return { kind: 'retry', statusCode: null, reason, retryAfterMs: null };
  }
  const { statusCode, retryAfterMs, bodyStart } = attempt.response;
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
  const said = bodyStart.trim().replace(/\s+/g, ' ').slice(0, QUOTED_BODY_CHARACTERS);
  const reason = `Receiver answered HTTP ${statusCode}` + (said ? `: ${said}` : '');
  if (statusCode >= 500 || RETRYABLE_CLIENT_ERRORS.has(statusCode)) {
    return { kind: 'retry', statusCode, reason, retryAfterMs };
  }
  return { kind: 'give-up', statusCode, reason };
}

/** How an attempt is recorded: a retry that has no attempt left is a failure. */
export function recordedOutcome(verdict: WebhookVerdict, finalAttempt: boolean): WebhookOutcome {
  switch (verdict.kind) {
    case 'delivered':
      return WebhookOutcome.Delivered;
    case 'retry':
      return finalAttempt ? WebhookOutcome.Failed : WebhookOutcome.Retrying;
    case 'give-up':
      return WebhookOutcome.Failed;
  }
}

/** A receiver may ask for a later retry, but not for one more than a day away. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Where the webhook goes after an attempt: done, or attempt `attempt + 1` at a later time. */
export type WebhookPlan =
  | { done: true; outcome: WebhookOutcome }
  | { done: false; outcome: WebhookOutcome; nextAttemptInMs: number };

/**
 * What follows attempt `attempt` (1-based): a retry waits the schedule's delay for it
 * (`delaysMs[attempt - 1]`), or longer when the receiver asked with Retry-After; after the last
 * delay there is no retry.
 */
export function planAfter(
  verdict: WebhookVerdict,
  attempt: number,
  delaysMs: readonly number[],
): WebhookPlan {
  const finalAttempt = attempt > delaysMs.length;
  const outcome = recordedOutcome(verdict, finalAttempt);
  if (verdict.kind !== 'retry' || finalAttempt) return { done: true, outcome };
  const asked = Math.min(verdict.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return { done: false, outcome, nextAttemptInMs: Math.max(delaysMs[attempt - 1], asked) };
}
