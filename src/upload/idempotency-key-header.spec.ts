import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  idempotencyKeyOf,
  InvalidIdempotencyKeyError,
} from './idempotency-key-header';

const headers = (...values: string[]): string[] =>
  values.flatMap((value) => ['Idempotency-Key', value]);

describe('idempotencyKeyOf', () => {
  it('has no key when the header is absent', () => {
    expect(idempotencyKeyOf(['Content-Type', 'text/csv'])).toBeNull();
  });

  it('reads a Structured Field String, escapes included, and a bare value as the same key', () => {
    expect(idempotencyKeyOf(headers('"8e03978e-40d5-43e8-bc93-6894a57f9324"'))).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(idempotencyKeyOf(headers('8e03978e-40d5-43e8-bc93-6894a57f9324'))).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(idempotencyKeyOf(headers('"say \\"hi\\" \\\\ bye"'))).toBe('say "hi" \\ bye');
    expect(idempotencyKeyOf(['idempotency-key', '  "spaced"  '])).toBe('spaced');
  });

  it('takes keys of up to the maximum length', () => {
    const longest = 'k'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH);
    expect(idempotencyKeyOf(headers(`"${longest}"`))).toBe(longest);
  });

  it.each([
    ['empty', '""'],
    ['blank', ''],
    ['too long', `"${'k'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH + 1)}"`],
    ['unterminated', '"abc'],
    ['followed by more', '"abc"def'],
    ['a bad escape', '"a\\nb"'],
    ['not ASCII', '"clé"'],
    ['a bare value with a space', 'two words'],
    ['a bare value with a comma', 'a,b'],
  ])('refuses a key that is %s', (_, value) => {
    expect(() => idempotencyKeyOf(headers(value))).toThrow(InvalidIdempotencyKeyError);
  });

  it('refuses the header sent twice', () => {
    expect(() => idempotencyKeyOf(headers('"a"', '"a"'))).toThrow(/one Idempotency-Key header/);
  });
});
