/**
 * The calls the CLI makes, over the generated client, with every failure turned into a
 * `CliError` that says what happened in words, carries its exit code and tells whether it is
 * worth trying again (see retry-policy.ts).
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import {
  createImageBatchClient,
  multipartBody,
  type components,
  type ImageBatchClient,
  type RequestStatusResponse,
  type UploadAccepted,
} from '../client';
import type { Connection } from './cli-arguments';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';
import { idempotencyKeyHeader } from './idempotency-key';
import {
  type CallKind,
  isTransientAnswer,
  isTransientConnectionFailure,
  retryAfterMs,
} from './retry-policy';
import { formatProblem } from './status-summary';

type ErrorBody = components['schemas']['ErrorResponseDto'];
export type RequestSummary = components['schemas']['RequestSummaryDto'];

/** What a failed fetch's cause says, in words; the codes are Node's and undici's. */
const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection closed while the upload was being sent',
  ENOTFOUND: 'the host name is unknown',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the service did not answer in time',
  UND_ERR_BODY_TIMEOUT: 'the service stopped sending its answer',
  UND_ERR_SOCKET: 'the connection closed before the answer was complete',
};

export class ServiceApi {
  private readonly client: ImageBatchClient;

  constructor(private readonly connection: Connection) {
    const { apiKey } = connection;
    this.client = createImageBatchClient(connection.apiUrl, {
      headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
    });
  }

  get apiUrl(): string {
    return this.connection.apiUrl;
  }

  /**
   * Uploads the CSV at `csvPath`, streaming it from disk; never holds the whole file. Sending
   * the same `idempotencyKey` again gives the request the first upload with it created.
   */
  async upload(
    csvPath: string,
    {
      webhookUrl,
      idempotencyKey,
      refresh = false,
      variants,
    }: { webhookUrl?: string; idempotencyKey: string; refresh?: boolean; variants?: string },
    signal: AbortSignal,
  ): Promise<UploadAccepted> {
    const file = new File([await openAsBlob(csvPath)], basename(csvPath), { type: 'text/csv' });
    const { data, error, response } = await this.call('upload', () =>
      this.client.POST('/upload', {
        params: { header: { 'Idempotency-Key': idempotencyKeyHeader(idempotencyKey) } },
        body: {
          file,
          webhook_url: webhookUrl,
          ...(refresh ? { refresh: 'true' as const } : {}),
          ...(variants !== undefined ? { variants } : {}),
        },
        bodySerializer: multipartBody,
        // Following a redirect means sending the body again, so fetch would keep all of it in
        // memory; refusing redirects lets the file stream from disk.
        redirect: 'error',
        signal,
      }),
    );
    if (error !== undefined || !response.ok) throw this.uploadRefused(response, error);
    if (!isUploadAccepted(data)) throw this.notTheService(response);
    return data;
  }

  async status(
    requestId: string,
    signal: AbortSignal,
    query: { limit?: number; after?: number } = {},
  ): Promise<RequestStatusResponse> {
    const { data, error, response } = await this.call('read', () =>
      this.client.GET('/status/{requestId}', {
        params: { path: { requestId }, query },
        signal,
      }),
    );
    if (error !== undefined || !response.ok) throw this.serviceError('read', response, error);
    if (!isRequestStatus(data)) throw this.notTheService(response);
    return data;
  }

  /** The report CSV of a finished request, as a stream of its bytes. */
  async reportCsv(requestId: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const { data, error, response } = await this.call('read', () =>
      this.client.GET('/status/{requestId}/report.csv', {
        params: { path: { requestId } },
        parseAs: 'stream',
        signal,
      }),
    );
    if (error !== undefined || !response.ok) throw this.serviceError('read', response, error);
    return data ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  }

  /** The output CSV of a finished request, as a stream of its bytes. */
  async outputCsv(requestId: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const { data, error, response } = await this.call('read', () =>
      this.client.GET('/status/{requestId}/output.csv', {
        params: { path: { requestId } },
        parseAs: 'stream',
        signal,
      }),
    );
    if (error !== undefined || !response.ok) throw this.serviceError('read', response, error);
    return data ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  }

  /** Stops a running request; answers with the request as it stands. */
  async cancel(requestId: string, signal: AbortSignal): Promise<RequestSummary> {
    const { data, error, response } = await this.call('change', () =>
      this.client.POST('/requests/{requestId}/cancel', { params: { path: { requestId } }, signal }),
    );
    return this.summaryFrom(data, error, response);
  }

  /** Sends a finished request's failed and cancelled images back to be processed. */
  async retry(requestId: string, signal: AbortSignal): Promise<RequestSummary> {
    const { data, error, response } = await this.call('change', () =>
      this.client.POST('/requests/{requestId}/retry', { params: { path: { requestId } }, signal }),
    );
    return this.summaryFrom(data, error, response);
  }

  /** Deletes a request with everything stored for it; answers with the request as it was. */
  async delete(requestId: string, signal: AbortSignal): Promise<RequestSummary> {
    const { data, error, response } = await this.call('change', () =>
      this.client.DELETE('/requests/{requestId}', { params: { path: { requestId } }, signal }),
    );
    return this.summaryFrom(data, error, response);
  }

  private summaryFrom(data: unknown, error: unknown, response: Response): RequestSummary {
    if (error !== undefined || !response.ok) throw this.serviceError('change', response, error);
    if (!isRequestSummary(data)) throw this.notTheService(response);
    return data;
  }

  private async call<T>(kind: CallKind, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.sendingFailed(kind, error);
    }
  }

  private sendingFailed(kind: CallKind, error: unknown): unknown {
    if (!(error instanceof Error)) return error;
    if (error.name === 'AbortError') {
      return new CliError('Stopped', ExitCode.Interrupted);
    }
    if (error instanceof SyntaxError) {
      return new CliError(
        `The answer from ${this.apiUrl} is not the JSON the image-batch service sends; is that the service's address?`,
        ExitCode.ServiceError,
      );
    }
    // fetch fails with a TypeError whose cause is the network's error.
    if (error instanceof TypeError && error.cause instanceof Error) {
      if (error.cause.message === 'unexpected redirect') {
        return new CliError(
          `${this.apiUrl} answered with a redirect; give the address it redirects to with --api`,
          ExitCode.Usage,
        );
      }
      const code = 'code' in error.cause ? String(error.cause.code) : '';
      const problem = CONNECTION_PROBLEMS[code] ?? (error.cause.message || code);
      return new CliError(
        `Cannot reach the service at ${this.apiUrl}: ${problem}`,
        ExitCode.Unreachable,
        {
          details: ['Is it running? Give its address with --api or IMAGE_BATCH_API.'],
          transient: isTransientConnectionFailure(kind, code),
        },
      );
    }
    return error;
  }

  private uploadRefused(response: Response, body: unknown): CliError {
    if (isErrorBody(body) && body.errors?.some((problem) => problem.line !== undefined)) {
      return new CliError(`The service refused the CSV: ${body.message}`, ExitCode.CsvRejected, {
        details: body.errors.map(formatProblem),
        serviceAnswer: body,
      });
    }
    if (response.status === 413) {
      const message = isErrorBody(body) ? body.message : 'The file is too large';
      return new CliError(`The service refused the CSV: ${message}`, ExitCode.CsvRejected, {
        serviceAnswer: body,
      });
    }
    return this.serviceError('upload', response, body);
  }

  private serviceError(kind: CallKind, response: Response, body: unknown): CliError {
    const { status, statusText } = response;
    const message = isErrorBody(body) ? body.message : statusText || 'an error';
    const details = isErrorBody(body) ? (body.errors ?? []).map(formatProblem) : [];
    if (status === 401) {
      details.push(
        this.connection.apiKey
          ? 'The API key was not accepted; check --key or IMAGE_BATCH_KEY.'
          : 'Give an API key with --key or IMAGE_BATCH_KEY.',
      );
    }
    // The two answers whose Retry-After asks the client to wait (RFC 9110, RFC 6585).
    const waitMs =
      status === 429 || status === 503
        ? retryAfterMs(response.headers.get('Retry-After'), Date.now())
        : undefined;
    if (waitMs !== undefined) details.push(`Try again in ${Math.ceil(waitMs / 1000)} s.`);
    // Only a change of a request meets a 409 that the request's state explains.
    const exitCode =
      kind === 'change' && status === 409 ? ExitCode.Conflict : ExitCode.ServiceError;
    return new CliError(`The service answered ${status}: ${message}`, exitCode, {
      details,
      serviceAnswer: isErrorBody(body) ? body : undefined,
      transient: isTransientAnswer(kind, status),
      retryAfterMs: waitMs,
    });
  }

  private notTheService(response: Response): CliError {
    return new CliError(
      `The answer from ${response.url || this.apiUrl} is not what the image-batch service sends; is that the service's address?`,
      ExitCode.ServiceError,
    );
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    'message' in value &&
    typeof value.message === 'string'
  );
}

function isUploadAccepted(value: unknown): value is UploadAccepted {
  return (
    typeof value === 'object' && value !== null && 'request_id' in value && 'status_url' in value
  );
}

function isRequestSummary(value: unknown): value is RequestSummary {
  return (
    typeof value === 'object' && value !== null && 'request_id' in value && 'progress' in value
  );
}

function isRequestStatus(value: unknown): value is RequestStatusResponse {
  return typeof value === 'object' && value !== null && 'status' in value && 'progress' in value;
}
