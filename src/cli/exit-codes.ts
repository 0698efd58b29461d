/** The exit status of `image-batch`; scripts depend on these numbers, so they never change. */
export const ExitCode = {
  /** Done: the request Completed with every image, or was accepted or is running when not waiting. */
  Ok: 0,
  /** The request finished Failed: every one of its images failed. */
  RequestFailed: 1,
  /** Wrong arguments, or a file named on the command line that cannot be read or written. */
  Usage: 2,
  /** The service refused the CSV: each problem it found is listed with its line and column. */
  CsvRejected: 3,
  /** The service answered with an error, such as an unknown request or a missing API key. */
  ServiceError: 4,
  /** The service could not be reached. */
  Unreachable: 5,
  /** The request Completed, but some of its images failed (0 with --allow-failures). */
  SomeFailed: 6,
  /** The request is not in a state the command applies to: cancel a finished one, retry a running one. */
  Conflict: 7,
  /** Something the command did not expect, such as a bug; the details are printed. */
  Unexpected: 70,
  /** Stopped with Ctrl-C (128 + SIGINT). */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit status for a request as it stands: 1 when Failed, 6 when it Completed with failures. */
export function exitCodeForRequest(
  request: { status: string; progress: { failed: number } },
  allowFailures: boolean,
): ExitCode {
  if (request.status === 'Failed') return ExitCode.RequestFailed;
  const someFailed = request.status === 'Completed' && request.progress.failed > 0;
  return someFailed && !allowFailures ? ExitCode.SomeFailed : ExitCode.Ok;
}
