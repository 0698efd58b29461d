import { isURL, maxLength, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * What a `webhook_url` may be, wherever it comes from (the form field, read by the upload
 * service, or the query parameter, read by the validation pipe).
 */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

export const WEBHOOK_URL_RULE = `webhook_url must be an http:// or https:// URL of at most ${WEBHOOK_URL_MAX_LENGTH} characters`;

export function isWebhookUrl(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    isURL(value, { protocols: ['http', 'https'], require_protocol: true, require_tld: false }) &&
    maxLength(value, WEBHOOK_URL_MAX_LENGTH)
  );
}

/** The rule as a class-validator decorator. */
export const IsWebhookUrl = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isWebhookUrl',
      validator: { validate: isWebhookUrl, defaultMessage: () => WEBHOOK_URL_RULE },
    },
    options,
  );
