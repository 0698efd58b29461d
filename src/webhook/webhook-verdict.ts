import { AxiosError } from 'axios';
import { UNSAFE_ADDRESS_CODE } from '../network/guarded-agent';
import { WebhookOutcome } from './webhook-delivery.entity';

/** What a receiver answered, whatever its status. */
export interface WebhookResponse {
  statusCode: number;
  /** Milliseconds the receiver asked us to wait, from Retry-After. */
  retryAfterMs: number | null;
}

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
  const { statusCode, retryAfterMs } = attempt.response;
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
  const reason = `Receiver answered HTTP ${statusCode}`;
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
