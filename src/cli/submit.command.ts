import type { UploadAccepted } from '../client';
import type { SubmitCommand } from './cli-arguments';
import { CliError } from './cli-error';
import { type CliIo, writeJson, writeLines } from './cli-io';
import { ExitCode } from './exit-codes';
import { newIdempotencyKey } from './idempotency-key';
import { checkWritable, readableFileSize } from './local-files';
import { createProgressDisplay, type ProgressDisplay } from './progress-display';
import { retryWhileTransient } from './retry';
import { uploadRetryDelayMs } from './retry-policy';
import { ServiceApi } from './service-api';
import { formatBytes } from './status-summary';
import { isInterruption, waitForResult } from './wait-for-result';

/**
 * `image-batch submit <file.csv>`: uploads the CSV and, with `--wait` or `--out`, follows the
 * request until it has finished and saves its output CSV. Exits 1 when the request Failed and
 * 6 when it Completed with some images failed.
 */
export async function submit(command: SubmitCommand, io: CliIo): Promise<ExitCode> {
  const { csvFile, outFile, reportFile, json } = command;
  const size = await readableFileSize(csvFile);
  // Found out now rather than after the whole request has been processed.
  if (outFile !== undefined) await checkWritable(outFile);
  if (reportFile !== undefined) await checkWritable(reportFile);

  const api = new ServiceApi(command.connection);
  const display = createProgressDisplay(io.stderr);
  if (!json) io.stderr.write(`Uploading ${csvFile} (${formatBytes(size)}) to ${api.apiUrl}\n`);
  const accepted = await upload(api, command, display, io);

  if (!command.wait) {
    if (json) writeJson(io.stdout, accepted);
    else writeLines(io.stdout, acceptedLines(accepted));
    return ExitCode.Ok;
  }
  if (!json) writeLines(io.stdout, acceptedLines(accepted));
  return waitForResult(api, accepted.request_id, command, display, io);
}

/**
 * Uploads the CSV, trying again while the service is briefly away (see `uploadRetryDelayMs`).
 * Every attempt carries the same idempotency key, so the service creates one request at most.
 */
async function upload(
  api: ServiceApi,
  { csvFile, webhookUrl, refresh, variants, idempotencyKey = newIdempotencyKey() }: SubmitCommand,
  display: ProgressDisplay,
  io: CliIo,
): Promise<UploadAccepted> {
  try {
    return await retryWhileTransient(
      () => api.upload(csvFile, { webhookUrl, idempotencyKey, refresh, variants }, io.signal),
      {
        signal: io.signal,
        delayMs: (failures, _, problem) => uploadRetryDelayMs(failures, problem),
        onRetry: (problem, delayMs) => display.retrying(problem.message, delayMs),
      },
    );
  } catch (error) {
    // The service may have stored the upload without answering; the key finds it again.
    const runAgain =
      `Run the same command with --idempotency-key ${idempotencyKey} to try again ` +
      'without risking a second request.';
    if (isInterruption(error)) {
      throw new CliError('Stopped the upload', ExitCode.Interrupted, { details: [runAgain] });
    }
    throw error instanceof CliError && error.transient ? error.withDetails(runAgain) : error;
  }
}

function acceptedLines({ request_id, status_url }: UploadAccepted): string[] {
  return [`Accepted as request ${request_id}`, `Status URL: ${status_url}`];
}
