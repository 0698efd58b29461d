import { type CliCommand, helpText, parseCliArguments } from './cli-arguments';
import { CliError } from './cli-error';
import { type CliIo, writeJson, writeLines } from './cli-io';
import { ExitCode } from './exit-codes';
import { changeRequest, retryRequest } from './request-lifecycle.command';
import { showStatus } from './status.command';
import { submit } from './submit.command';

/** Runs one command line to its end and returns the exit code; never throws. */
export async function runCli(args: readonly string[], io: CliIo): Promise<ExitCode> {
  let command: CliCommand | undefined;
  try {
    command = parseCliArguments(args, io.env);
    switch (command.name) {
      case 'help':
        io.stdout.write(helpText(command.topic));
        return ExitCode.Ok;
      case 'submit':
        return await submit(command, io);
      case 'status':
        return await showStatus(command, io);
      case 'cancel':
      case 'delete':
        return await changeRequest(command, io);
      case 'retry':
        return await retryRequest(command, io);
    }
  } catch (error) {
    return reportFailure(
      error,
      io,
      command !== undefined && command.name !== 'help' && command.json,
    );
  }
}

function reportFailure(error: unknown, io: CliIo, json: boolean): ExitCode {
  if (error instanceof CliError) {
    const { serviceAnswer } = error.extras;
    if (json && serviceAnswer !== undefined) writeJson(io.stdout, serviceAnswer);
    writeLines(io.stderr, [error.message, ...error.details.map((line) => `  ${line}`)]);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    writeLines(io.stderr, ['Stopped']);
    return ExitCode.Interrupted;
  }
  const description = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeLines(io.stderr, [`Unexpected error: ${description}`]);
  return ExitCode.Unexpected;
}
