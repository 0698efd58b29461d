import { WebhookConfig } from '../config/config';
import { RetryableWebhookError } from './webhook-errors';

export const WEBHOOK_BACKOFF = 'webhook-schedule';

const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Bull backoff strategy for webhook deliveries: the configured schedule, or later when the
 * receiver asked for it with Retry-After.
 */
export function webhookBackoff(delaysMs: readonly number[]) {
  return (attemptsMade: number, error: Error): number => {
    const scheduled = delaysMs[Math.min(attemptsMade, delaysMs.length) - 1] ?? 0;
    const asked = error instanceof RetryableWebhookError ? (error.retryAfterMs ?? 0) : 0;
    return Math.max(scheduled, Math.min(asked, MAX_RETRY_AFTER_MS));
  };
}

/** The strategies webhook jobs name in their `backoff` option, for the queues' settings. */
export const webhookBackoffStrategies = (config: WebhookConfig) => ({
  [WEBHOOK_BACKOFF]: webhookBackoff(config.retryDelaysMs),
});
