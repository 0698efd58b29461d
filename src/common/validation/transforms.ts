/**
 * class-transformer `@Transform` functions for values that arrive as strings: environment
 * variables, query parameters and multipart form fields.
 */
type TransformInput = { value: unknown };

/** An empty string (an unset form field, `VAR=` in a .env file) means "not given". */
export const emptyToUndefined = ({ value }: TransformInput): unknown =>
  value === '' ? undefined : value;

/** A numeric string becomes a number; anything else is left for the validator to reject. */
export const toNumber = ({ value }: TransformInput): unknown =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

export const toBoolean = ({ value }: TransformInput): unknown =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;
