import type { components } from '../../src/client/schema';
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

/**
 * Calls the API of the service that served the page. Paths are relative, so the console also
 * works under a path prefix of a reverse proxy.
 */
export class Api {
  constructor(private readonly keys: ApiKeyStore) {}

  upload(file: File, webhookUrl: string | null): Promise<UploadAccepted> {
    const form = new FormData();
    form.append('file', file, file.name);
    if (webhookUrl) form.append('webhook_url', webhookUrl);
    return this.json<UploadAccepted>('upload', { method: 'POST', body: form });
  }

  status(
    requestId: string,
    page: { after: number; limit: number },
    signal?: AbortSignal,
  ): Promise<StatusResponse> {
    const query = new URLSearchParams({ after: String(page.after), limit: String(page.limit) });
    return this.json<StatusResponse>(`status/${encodeURIComponent(requestId)}?${query}`, {
      signal,
    });
  }

  cancel(requestId: string): Promise<RequestSummary> {
    return this.json<RequestSummary>(`requests/${encodeURIComponent(requestId)}/cancel`, {
      method: 'POST',
    });
  }

  retry(requestId: string): Promise<RequestSummary> {
    return this.json<RequestSummary>(`requests/${encodeURIComponent(requestId)}/retry`, {
      method: 'POST',
    });
  }

  delete(requestId: string): Promise<RequestSummary> {
    return this.json<RequestSummary>(`requests/${encodeURIComponent(requestId)}`, {
      method: 'DELETE',
    });
  }

  recent(limit: number, before: string | null, signal?: AbortSignal): Promise<RequestList> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before) query.set('before', before);
    return this.json<RequestList>(`requests?${query}`, { signal });
  }

  /** The progress events of a request, as an open response whose body is the stream. */
  async events(requestId: string, signal: AbortSignal): Promise<Response> {
    const response = await this.fetch(`status/${encodeURIComponent(requestId)}/events`, {
      headers: { Accept: 'text/event-stream' },
      cache: 'no-store',
      signal,
    });
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  /**
   * Whether `url` is served by this service, which wants the API key, rather than by a CDN or a
   * public bucket (IMAGE_DELIVERY=public), which the page may only link to: its policy lets
   * scripts fetch from the service alone.
   */
  isServiceUrl(url: string): boolean {
    return new URL(url, document.baseURI).origin === window.location.origin;
  }

  /** A file the API serves (an image, the output CSV), with the key when one is set. */
  async blob(url: string, signal?: AbortSignal): Promise<Blob> {
    const response = await this.fetch(url, { signal });
    if (!response.ok) throw await errorOf(response);
    return response.blob();
  }

  private async json<T>(url: string, init: RequestInit): Promise<T> {
    const response = await this.fetch(url, {
      ...init,
      headers: { Accept: 'application/json', ...init.headers },
    });
    if (!response.ok) throw await errorOf(response);
    return (await response.json()) as T;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    const key = this.keys.get();
    if (key) headers.set('X-API-Key', key);
    try {
      return await fetch(url, { ...init, headers });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, UNREACHABLE);
    }
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const fallback = `The service answered ${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { message?: unknown; errors?: unknown };
    const details = Array.isArray(body.errors) ? (body.errors as ErrorDetail[]) : [];
    const message = typeof body.message === 'string' ? body.message : fallback;
    return new ApiError(response.status, message, details);
  } catch {
    return new ApiError(response.status, fallback);
  }
}

/** One problem in words: a CSV line and column, or a field (whose message names it). */
export function describeDetail(detail: ErrorDetail): string {
  if (detail.line === undefined) return detail.message;
  const column = detail.column ? `, column “${detail.column}”` : '';
  return `Line ${detail.line}${column}: ${detail.message}`;
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError';
