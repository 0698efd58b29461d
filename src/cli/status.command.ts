import type { StatusCommand } from './cli-arguments';
import { type CliIo, writeJson, writeLines } from './cli-io';
import { ExitCode } from './exit-codes';
import { ServiceApi } from './service-api';
import { formatStatusSummary } from './status-summary';

/** `image-batch status <id>`: the request as it is now; exits 1 when it Failed. */
export async function showStatus(command: StatusCommand, io: CliIo): Promise<ExitCode> {
  const status = await new ServiceApi(command.connection).status(command.requestId, io.signal);
  if (command.json) writeJson(io.stdout, status);
  else writeLines(io.stdout, formatStatusSummary(status));
  return status.status === 'Failed' ? ExitCode.RequestFailed : ExitCode.Ok;
}
