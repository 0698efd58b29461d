import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';
import {
  isTransientAnswer,
  isTransientConnectionFailure,
  MAX_UPLOAD_RETRY_AFTER_MS,
  retryAfterMs,
  uploadRetryDelayMs,
} from './retry-policy';

const answered = (status: number, retryAfterMs?: number) =>
  new CliError(`The service answered ${status}`, ExitCode.ServiceError, {
    transient: true,
    retryAfterMs,
  });

describe('isTransientAnswer', () => {
  it.each([409, 429, 502, 503, 504])('tries an upload answered %i again', (status) => {
    expect(isTransientAnswer('upload', status)).toBe(true);
  });

  it.each([400, 401, 403, 404, 413, 422, 500, 501])(
    'never tries an upload answered %i again: the same upload would meet it again',
    (status) => {
      expect(isTransientAnswer('upload', status)).toBe(false);
    },
  );

  it('tries a read again after a timeout, a rate limit or any server error, not a 4xx', () => {
    const statuses = [400, 401, 404, 408, 409, 422, 429, 500, 502, 503, 504];
    expect(statuses.filter((status) => isTransientAnswer('read', status))).toEqual([
      408, 429, 500, 502, 503, 504,
    ]);
  });
});

describe('isTransientConnectionFailure', () => {
  it('tries an upload again when the connection was refused, reset or closed', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']) {
      expect(isTransientConnectionFailure('upload', code)).toBe(true);
    }
  });

  it('gives an upload up when the address looks wrong or the service does not answer', () => {
    for (const code of ['ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', '']) {
      expect(isTransientConnectionFailure('upload', code)).toBe(false);
    }
  });

  it('tries a read again whatever went wrong with the connection', () => {
    expect(isTransientConnectionFailure('read', 'ENOTFOUND')).toBe(true);
    expect(isTransientConnectionFailure('read', '')).toBe(true);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads seconds, or an HTTP date as the time left until it', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Sat, 01 Mar 2025 12:00:42 GMT', now)).toBe(42_000);
    expect(retryAfterMs('Sat, 01 Mar 2025 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores a header that is missing or neither seconds nor a date', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
    expect(retryAfterMs('1.5', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('uploadRetryDelayMs', () => {
  it('waits 0.5 s, 1 s, then 2 s, and gives up after the third retry', () => {
    const problem = answered(503);
    expect([1, 2, 3, 4].map((failures) => uploadRetryDelayMs(failures, problem))).toEqual([
      500,
      1000,
      2000,
      undefined,
    ]);
  });

  it('waits as long as the service asked with Retry-After when that is longer', () => {
    expect(uploadRetryDelayMs(1, answered(429, 5000))).toBe(5000);
    expect(uploadRetryDelayMs(3, answered(503, 1000))).toBe(2000);
    expect(uploadRetryDelayMs(1, answered(429, MAX_UPLOAD_RETRY_AFTER_MS))).toBe(30_000);
  });

  it('gives up at once when the service asks for a longer pause than a command should sit through', () => {
    expect(uploadRetryDelayMs(1, answered(429, MAX_UPLOAD_RETRY_AFTER_MS + 1000))).toBeUndefined();
  });
});
