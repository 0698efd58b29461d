import type { RequestStatusResponse } from '../client';
import { CliError } from './cli-error';
import { type CliIo, writeJson, writeLines } from './cli-io';
import { ExitCode, exitCodeForRequest } from './exit-codes';
import { findFailedImages, formatFailedImages } from './failed-images';
import { followRequest } from './follow-request';
import { saveToFile } from './local-files';
import type { ProgressDisplay } from './progress-display';
import type { ServiceApi } from './service-api';
import { formatStatusSummary } from './status-summary';

export interface WaitOptions {
  outFile?: string;
  reportFile?: string;
  json: boolean;
  pollIntervalMs: number;
  allowFailures: boolean;
}

/**
 * Follows a request until it has finished, showing its progress, then saves the files asked
 * for and prints the result with its failed images. Exits 1 when the request Failed and 6 when
 * it Completed with some images failed (see `exitCodeForRequest`).
 */
export async function waitForResult(
  api: ServiceApi,
  requestId: string,
  { outFile, reportFile, json, pollIntervalMs, allowFailures }: WaitOptions,
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

export function isInterruption(error: unknown): boolean {
  return (
    (error instanceof CliError && error.exitCode === ExitCode.Interrupted) ||
    (error instanceof Error && error.name === 'AbortError')
  );
}
