/** The most UTF-8 bytes one UTF-16 unit of a string takes in JSON: `\u0000` for a control one. */
const BYTES_PER_UNIT_AT_MOST = 6;
/** The longest a finite number is written in JSON, as in `-1.2345678901234567e-308`. */
const NUMBER_BYTES_AT_MOST = 24;
/** `false`, the longest of `true`, `false` and `null`. */
const LITERAL_BYTES_AT_MOST = 5;

/**
 * An upper bound on the bytes of `JSON.stringify(value)` in UTF-8, read from the lengths of its
 * strings without writing them out. For plain data, which is all a response body holds:
 * strings, numbers, booleans, null, arrays and objects of them, and what `toJSON` makes of a
 * date. A tenth of the cost of the JSON itself, so that a page far under its byte budget is not
 * serialised once more just to be measured.
 */
export function jsonByteBound(value: unknown): number {
  if (typeof value === 'string') return BYTES_PER_UNIT_AT_MOST * value.length + 2;
  if (typeof value === 'number') return NUMBER_BYTES_AT_MOST;
  if (value === null || typeof value !== 'object') return LITERAL_BYTES_AT_MOST;
  if (hasToJson(value)) return jsonByteBound(value.toJSON());
  // Brackets, and a comma, quotes and a colon around every element at most.
  let bytes = 2;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) bytes += jsonByteBound(value[index]) + 1;
    return bytes;
  }
  // `for…in`, unlike `Object.entries`, allocates nothing; any inherited key it adds only raises
  // the bound.
  const fields = value as Record<string, unknown>;
  for (const key in fields) {
    bytes += BYTES_PER_UNIT_AT_MOST * key.length + 4 + jsonByteBound(fields[key]);
  }
  return bytes;
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
