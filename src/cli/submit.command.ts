import type { RequestStatusResponse, UploadAccepted } from '../client';
import type { SubmitCommand } from './cli-arguments';
import { CliError } from './cli-error';
import { type CliIo, writeJson, writeLines } from './cli-io';
import { ExitCode, exitCodeForRequest } from './exit-codes';
import { findFailedImages, formatFailedImages } from './failed-images';
import { followRequest } from './follow-request';
import { newIdempotencyKey } from './idempotency-key';
import { checkWritable, readableFileSize, saveToFile } from './local-files';
import { createProgressDisplay, type ProgressDisplay } from './progress-display';
import { retryWhileTransient } from './retry';
import { uploadRetryDelayMs } from './retry-policy';
import { ServiceApi } from './service-api';
import { formatBytes, formatStatusSummary } from './status-summary';

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
  { csvFile, webhookUrl, idempotencyKey = newIdempotencyKey() }: SubmitCommand,
  display: ProgressDisplay,
  io: CliIo,
): Promise<UploadAccepted> {
  try {
    return await retryWhileTransient(
      () => api.upload(csvFile, { webhookUrl, idempotencyKey }, io.signal),
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

async function waitForResult(
  api: ServiceApi,
  requestId: string,
  { outFile, reportFile, json, pollIntervalMs, allowFailures }: SubmitCommand,
  display: ProgressDisplay,
  io: CliIo,
): Promise<ExitCode> {
  let finished: RequestStatusResponse;
  try {
    // One image per poll: the progress counts are what matters here, not the image list.
    finished = await followRequest(() => api.status(requestId, io.signal, { limit: 1 }), {
      intervalMs: pollIntervalMs,
      signal: io.signal,
      onStatus: (status) => display.show(status),
      onRetry: (problem, delayMs) => display.retrying(problem.message, delayMs),
    });
  } catch (error) {
    throw stillRunning(error, requestId);
  } finally {
    display.stop();
  }

  try {
    if (outFile !== undefined) await saveToFile(await api.outputCsv(requestId, io.signal), outFile);
    if (reportFile !== undefined) {
      await saveToFile(await api.reportCsv(requestId, io.signal), reportFile);
    }
    if (json) writeJson(io.stdout, await api.status(requestId, io.signal));
  } catch (error) {
    throw error instanceof CliError && finished.output_csv_url
      ? error.withDetails(
          `The request has finished; its output CSV is at ${finished.output_csv_url}`,
        )
      : error;
  }
  if (!json) {
    const failed = await findFailedImages(finished, (after, limit) =>
      api.status(requestId, io.signal, { after, limit }),
    );
    const lines = [...formatStatusSummary(finished), ...formatFailedImages(failed)];
    if (outFile !== undefined) lines.push(`Saved the output CSV to ${outFile}`);
    if (reportFile !== undefined) lines.push(`Saved the report to ${reportFile}`);
    writeLines(io.stdout, lines);
  }
  return exitCodeForRequest(finished, allowFailures);
}

function acceptedLines({ request_id, status_url }: UploadAccepted): string[] {
  return [`Accepted as request ${request_id}`, `Status URL: ${status_url}`];
}

/** Once accepted, the request goes on whatever happens here; say so, and how to find it. */
function stillRunning(error: unknown, requestId: string): unknown {
  const checkOnIt = `Check on it with: image-batch status ${requestId}`;
  if (isInterruption(error)) {
    return new CliError(
      `Stopped following request ${requestId}; it carries on in the service`,
      ExitCode.Interrupted,
      { details: [checkOnIt] },
    );
  }
  if (error instanceof CliError) {
    return error.withDetails(`Request ${requestId} carries on in the service. ${checkOnIt}`);
  }
  return error;
}

function isInterruption(error: unknown): boolean {
  return (
    (error instanceof CliError && error.exitCode === ExitCode.Interrupted) ||
    (error instanceof Error && error.name === 'AbortError')
  );
}
