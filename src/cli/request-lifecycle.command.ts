import type { LifecycleCommand, RetryCommand } from './cli-arguments';
import { type CliIo, writeJson, writeLines } from './cli-io';
import { ExitCode } from './exit-codes';
import { createProgressDisplay } from './progress-display';
import { type RequestSummary, ServiceApi } from './service-api';
import { waitForResult } from './wait-for-result';

/**
 * `image-batch cancel <id>` and `image-batch delete <id>`: one call each, printing the request
 * as the service answered. A finished request cannot be cancelled: exit 7.
 */
export async function changeRequest(command: LifecycleCommand, io: CliIo): Promise<ExitCode> {
  const api = new ServiceApi(command.connection);
  const { requestId } = command;
  const summary =
    command.name === 'cancel'
      ? await api.cancel(requestId, io.signal)
      : await api.delete(requestId, io.signal);
  if (command.json) writeJson(io.stdout, summary);
  else
    writeLines(
      io.stdout,
      command.name === 'cancel' ? cancelledLines(summary) : deletedLines(summary),
    );
  return ExitCode.Ok;
}

/**
 * `image-batch retry <id> [--wait]`: sends the failed and cancelled images back; with `--wait`,
 * follows the request as `submit --wait` does, with its exit codes. A request still running
 * cannot be retried: exit 7.
 */
export async function retryRequest(command: RetryCommand, io: CliIo): Promise<ExitCode> {
  const api = new ServiceApi(command.connection);
  const summary = await api.retry(command.requestId, io.signal);
  if (!command.wait) {
    if (command.json) writeJson(io.stdout, summary);
    else writeLines(io.stdout, retriedLines(summary));
    return ExitCode.Ok;
  }
  if (!command.json) writeLines(io.stdout, retriedLines(summary).slice(0, 1));
  return waitForResult(api, command.requestId, command, createProgressDisplay(io.stderr), io);
}

function cancelledLines({ request_id, status, progress }: RequestSummary): string[] {
  const done = `${progress.processed} of ${progress.total} images done`;
  return status === 'Cancelled'
    ? [`Cancelled request ${request_id} (${done})`]
    : [
        `Cancelling request ${request_id} (${done})`,
        'It ends Cancelled once the images being processed are done.',
      ];
}

function retriedLines({ request_id, progress }: RequestSummary): string[] {
  const again = progress.total - progress.succeeded;
  return [
    `Retrying request ${request_id}: ${again} of ${progress.total} images to process again`,
    `Check on it with: image-batch status ${request_id}`,
  ];
}

function deletedLines({ request_id, file_name }: RequestSummary): string[] {
  const name = file_name === null ? '' : ` (${file_name})`;
  return [`Deleted request ${request_id}${name}`];
}
