import {
  createImageBatchClient,
  multipartBody,
  type components,
  type ImageBatchClient,
} from '../../src/client';
import type { ApiKeyStore } from './api-key';

type Schemas = components['schemas'];
export type RequestSummary = Schemas['RequestSummaryDto'];
export type StatusResponse = Schemas['StatusResponseDto'];
export type ImageResult = Schemas['ImageResultDto'];
export type RequestList = Schemas['RequestListDto'];
export type UploadAccepted = Schemas['UploadAcceptedDto'];
export type ErrorDetail = Schemas['ErrorDetailDto'];

/** An error answer of the API, or a failure to reach it (`status` 0), in words for a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

const UNREACHABLE = 'The service could not be reached. Check the connection and try again.';

/** What openapi-fetch gives back: the parsed body, or the parsed error answer. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Calls the API of the service that served the page, through the generated client. Paths are
 * resolved against the page's own address, so the console also works under a path prefix of a
 * reverse proxy.
 */
export class Api {
  private readonly client: ImageBatchClient;

  constructor(private readonly keys: ApiKeyStore) {
    this.client = createImageBatchClient(new URL('.', document.baseURI).href, {
      headers: { Accept: 'application/json' },
    });
    this.client.use({
      onRequest: ({ request }) => {
        const key = this.keys.get();
        if (key) request.headers.set('X-API-Key', key);
        return request;
      },
      onError: ({ error }) => (isAbort(error) ? undefined : new ApiError(0, UNREACHABLE)),
    });
  }

  async upload(file: File, webhookUrl: string | null): Promise<UploadAccepted> {
    return bodyOf(
      await this.client.POST('/upload', {
        body: { file, webhook_url: webhookUrl ?? undefined },
        bodySerializer: multipartBody,
      }),
    );
  }

  async status(
    requestId: string,
    page: { after: number; limit: number },
    signal?: AbortSignal,
  ): Promise<StatusResponse> {
    return bodyOf(
      await this.client.GET('/status/{requestId}', {
        params: { path: { requestId }, query: page },
        signal,
      }),
    );
  }

  async cancel(requestId: string): Promise<RequestSummary> {
    return bodyOf(
      await this.client.POST('/requests/{requestId}/cancel', { params: { path: { requestId } } }),
    );
  }

  async retry(requestId: string): Promise<RequestSummary> {
    return bodyOf(
      await this.client.POST('/requests/{requestId}/retry', { params: { path: { requestId } } }),
    );
  }

  async delete(requestId: string): Promise<RequestSummary> {
    return bodyOf(
      await this.client.DELETE('/requests/{requestId}', { params: { path: { requestId } } }),
    );
  }

  async recent(limit: number, before: string | null, signal?: AbortSignal): Promise<RequestList> {
    return bodyOf(
      await this.client.GET('/requests', {
        params: { query: { limit, before: before ?? undefined } },
        signal,
      }),
    );
  }

  /** The progress events of a request, as the stream of the open response's body. */
  async events(
    requestId: string,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    const body = bodyOf(
      await this.client.GET('/status/{requestId}/events', {
        params: { path: { requestId } },
        headers: { Accept: 'text/event-stream' },
        cache: 'no-store',
        parseAs: 'stream',
        signal,
      }),
    );
    return body ?? new ReadableStream({ start: (controller) => controller.close() });
  }

  /**
   * Whether `url` is served by this service, which wants the API key, rather than by a CDN or a
   * public bucket (IMAGE_DELIVERY=public), which the page may only link to: its policy lets
   * scripts fetch from the service alone.
   */
  isServiceUrl(url: string): boolean {
    return new URL(url, document.baseURI).origin === window.location.origin;
  }

  /**
   * A file the API serves (an image, the output CSV), with the key when one is set. Its address
   * comes from an answer of the API rather than from a path of the API description.
   */
  async blob(url: string, signal?: AbortSignal): Promise<Blob> {
    const headers = new Headers();
    const key = this.keys.get();
    if (key) headers.set('X-API-Key', key);
    let response: Response;
    try {
      response = await fetch(url, { headers, signal });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError(0, UNREACHABLE);
    }
    if (response.ok) return response.blob();
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    throw errorOf(response, body);
  }
}

/** The body of a successful answer; an `ApiError` in words for any other. */
function bodyOf<T>({ data, error, response }: Answer<T>): T {
  if (error !== undefined || !response.ok) throw errorOf(response, error);
  return data as T;
}

function errorOf(response: Response, body: unknown): ApiError {
  const fallback = `The service answered ${response.status} ${response.statusText}`.trim();
  if (typeof body !== 'object' || body === null) return new ApiError(response.status, fallback);
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  return new ApiError(
    response.status,
    typeof message === 'string' ? message : fallback,
    Array.isArray(errors) ? (errors as ErrorDetail[]) : [],
  );
}

/** One problem in words: a CSV line and column, or a field (whose message names it). */
export function describeDetail(detail: ErrorDetail): string {
  if (detail.line === undefined) return detail.message;
  const column = detail.column ? `, column “${detail.column}”` : '';
  return `Line ${detail.line}${column}: ${detail.message}`;
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError';
