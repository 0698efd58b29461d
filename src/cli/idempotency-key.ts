/**
 * The `Idempotency-Key` of an upload. Every attempt at one upload carries the same key, and so
 * may a later run of the command: the service then answers with the request the first attempt
 * created rather than creating another.
 */
import { randomUUID } from 'node:crypto';

/** The longest key the service takes (see the `Idempotency-Key` header in openapi.json). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** A key the service takes: 1 to 255 printable ASCII characters. */
export function isIdempotencyKey(text: string): boolean {
  return text.length <= IDEMPOTENCY_KEY_MAX_LENGTH && PRINTABLE_ASCII.test(text);
}

export function newIdempotencyKey(): string {
  return randomUUID();
}

/**
 * The header's value: the IETF draft makes it a Structured Field String (RFC 8941), quoted,
 * with `"` and `\` escaped, so that any printable key arrives as it was given.
 */
export function idempotencyKeyHeader(key: string): string {
  return `"${key.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}
