/** The request header that makes an upload safe to retry (IETF httpapi Idempotency-Key draft). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on the answer to a retry that returns the request an earlier upload created. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export const INVALID_IDEMPOTENCY_KEY =
  `${IDEMPOTENCY_KEY_HEADER} must be a string of 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ` +
  'ASCII characters, such as "8e03978e-40d5-43e8-bc93-6894a57f9324"';

/** The header is there but holds no key this service accepts; the message says why. */
export class InvalidIdempotencyKeyError extends Error {}

/** Visible ASCII but `"`, `,` and `\`: a key sent without the quotes of a Structured Field. */
const BARE_KEY = /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/;

/**
 * The idempotency key of a request, from its raw headers (name, value, name, value...), or null
 * when it has none. The draft makes the header a Structured Field String (RFC 8941):
 * `"8e03978e-..."`, printable ASCII with `\"` and `\\` escaped. Many clients leave the quotes
 * out; a bare value of visible ASCII without quotes, commas or backslashes is the same key.
 * Throws `InvalidIdempotencyKeyError` for a value that is neither, an empty or too long key,
 * or the header sent more than once.
 */
export function idempotencyKeyOf(rawHeaders: readonly string[]): string | null {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index].toLowerCase() === 'idempotency-key') values.push(rawHeaders[index + 1]);
  }
  if (values.length === 0) return null;
  if (values.length > 1) {
    throw new InvalidIdempotencyKeyError(`Send one ${IDEMPOTENCY_KEY_HEADER} header, not several`);
  }
  const value = values[0].trim();
  const key = value.startsWith('"') ? unquote(value) : BARE_KEY.test(value) ? value : null;
  if (key === null || key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw new InvalidIdempotencyKeyError(INVALID_IDEMPOTENCY_KEY);
  }
  return key;
}

/** An RFC 8941 sf-string without its quotes, or null when it is not one. */
function unquote(value: string): string | null {
  let key = '';
  for (let index = 1; index < value.length; index++) {
    const character = value[index];
    if (character === '\\') {
      const escaped = value[++index];
      if (escaped !== '"' && escaped !== '\\') return null;
      key += escaped;
    } else if (character === '"') {
      return index === value.length - 1 ? key : null;
    } else if (character >= ' ' && character <= '~') {
      key += character;
    } else {
      return null;
    }
  }
  return null;
}
