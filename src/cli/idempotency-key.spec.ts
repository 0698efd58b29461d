import { idempotencyKeyHeader, isIdempotencyKey, newIdempotencyKey } from './idempotency-key';

describe('idempotency keys', () => {
  it('makes a new random UUID each time', () => {
    const [first, second] = [newIdempotencyKey(), newIdempotencyKey()];

    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
    expect(isIdempotencyKey(first)).toBe(true);
  });

  it('takes 1 to 255 printable ASCII characters, nothing else', () => {
    expect(['a', ' ', '~"\\,', 'x'.repeat(255)].every(isIdempotencyKey)).toBe(true);
    expect(['', 'x'.repeat(256), 'é', 'a\nb', 'a\u007fb'].some(isIdempotencyKey)).toBe(false);
  });

  it('sends the key as a quoted Structured Field String, escaping quotes and backslashes', () => {
    expect(idempotencyKeyHeader('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(
      '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
    );
    expect(idempotencyKeyHeader('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });
});
