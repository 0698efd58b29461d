import type { StatusCommand } from './cli-arguments';
import { type CliIo, writeJson, writeLines } from './cli-io';
import { exitCodeForRequest, type ExitCode } from './exit-codes';
import { findFailedImages, formatFailedImages } from './failed-images';
import { ServiceApi } from './service-api';
import { formatStatusSummary } from './status-summary';

/**
 * `image-batch status <id>`: the request as it is now, with its failed images; exits 1 when it
 * Failed and 6 when it Completed with some images failed.
 */
export async function showStatus(command: StatusCommand, io: CliIo): Promise<ExitCode> {
  const api = new ServiceApi(command.connection);
  const status = await api.status(command.requestId, io.signal);
  if (command.json) {
    writeJson(io.stdout, status);
  } else {
    const failed = await findFailedImages(status, (after, limit) =>
      api.status(command.requestId, io.signal, { after, limit }),
    );
    writeLines(io.stdout, [...formatStatusSummary(status), ...formatFailedImages(failed)]);
  }
  return exitCodeForRequest(status, command.allowFailures);
}
