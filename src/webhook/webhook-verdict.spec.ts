import { AxiosError } from 'axios';
import { UNSAFE_ADDRESS_CODE } from '../network/guarded-agent';
import { WebhookOutcome } from '../requests/webhook-delivery.entity';
import { judgeWebhookAttempt, recordedOutcome } from './webhook-verdict';

const answer = (statusCode: number, retryAfterMs: number | null = null, bodyStart = '') => ({
  response: { statusCode, retryAfterMs, bodyStart },
});

describe('judgeWebhookAttempt', () => {
  it.each([200, 202, 204, 299])('counts HTTP %i as delivered', (statusCode) => {
    expect(judgeWebhookAttempt(answer(statusCode))).toEqual({ kind: 'delivered', statusCode });
  });

  it.each([500, 503, 408, 429])('retries after HTTP %i, when the receiver asked', (statusCode) => {
    expect(judgeWebhookAttempt(answer(statusCode, 30_000))).toEqual({
      kind: 'retry',
      statusCode,
      reason: `Receiver answered HTTP ${statusCode}`,
      retryAfterMs: 30_000,
    });
  });

  it('quotes the start of a failed answer, on one line', () => {
    const verdict = judgeWebhookAttempt(answer(422, null, `{"error":\n  "${'x'.repeat(300)}"}`));

    expect(verdict).toMatchObject({ kind: 'give-up', statusCode: 422 });
    expect(verdict.kind !== 'delivered' && verdict.reason).toBe(
      `Receiver answered HTTP 422: {"error": "${'x'.repeat(189)}`,
    );
  });

  it('counts a 2xx as delivered whatever its body', () => {
    expect(judgeWebhookAttempt(answer(200, null, 'x'.repeat(4096)))).toEqual({
      kind: 'delivered',
      statusCode: 200,
    });
  });

  it.each([301, 400, 401, 404, 410])('gives up after HTTP %i', (statusCode) => {
    expect(judgeWebhookAttempt(answer(statusCode))).toMatchObject({ kind: 'give-up', statusCode });
  });

  it('retries a network error, but not an address the SSRF guard refused', () => {
    const refused = new AxiosError('refused: loopback', UNSAFE_ADDRESS_CODE);

    expect(judgeWebhookAttempt({ error: new Error('socket hang up') })).toEqual({
      kind: 'retry',
      statusCode: null,
      reason: 'socket hang up',
      retryAfterMs: null,
    });
    expect(judgeWebhookAttempt({ error: refused })).toEqual({
      kind: 'give-up',
      statusCode: null,
      reason: 'refused: loopback',
    });
  });

  it('records a retry with no attempt left as a failure', () => {
    const retry = judgeWebhookAttempt(answer(503));

    expect(recordedOutcome(retry, false)).toBe(WebhookOutcome.Retrying);
    expect(recordedOutcome(retry, true)).toBe(WebhookOutcome.Failed);
  });
});
