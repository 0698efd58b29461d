/**
 * A typed client for the service: openapi-fetch over the types that `npm run client` generates
 * from openapi.json. openapi-fetch ships CommonJS (`require` → dist/index.cjs) beside its ES
 * module, so it works under ts-node, ts-jest and Nest's CommonJS build as it is.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths, webhooks } from './schema';

export type { components, paths, webhooks };
export type ImageBatchClient = Client<paths>;
export type UploadAccepted = components['schemas']['UploadAcceptedDto'];
export type RequestStatusResponse = components['schemas']['StatusResponseDto'];
export type CsvValidationError = components['schemas']['CsvValidationErrorDto'];
export type ErrorResponse = components['schemas']['ErrorResponseDto'];
export type WebhookPayload = components['schemas']['WebhookPayload'];

/** `createImageBatchClient('http://localhost:3000').GET('/status/{requestId}', ...)` */
export function createImageBatchClient(
  baseUrl: string,
  options: Omit<ClientOptions, 'baseUrl'> = {},
): ImageBatchClient {
  return createClient<paths>({ ...options, baseUrl });
}

/**
 * openapi-fetch sends JSON unless told otherwise; pass this as `bodySerializer` for
 * multipart operations (`POST /upload`). Blobs become files, named after `File.name` if any.
 */
export function multipartBody(body: Record<string, string | Blob | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, 'name' in value ? String(value.name) : `${name}.csv`);
  }
  return form;
}
