import { ExitCode } from './exit-codes';

/**
 * An expected failure of a command: printed as `message` and `details` (one line each), never
 * with a stack trace, and ending the command with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly extras: {
      /** Lines printed under the message: one problem or hint each. */
      details?: readonly string[];
      /** The service's JSON answer, printed as it is with `--json`. */
      serviceAnswer?: unknown;
      /** Worth trying again in a moment: the service is unreachable, overloaded or restarting. */
      transient?: boolean;
      /** How long the service asked to be left alone first, from its Retry-After header. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }

  get details(): readonly string[] {
    return this.extras.details ?? [];
  }

  get transient(): boolean {
    return this.extras.transient ?? false;
  }

  /** The same failure with more lines under it. */
  withDetails(...lines: string[]): CliError {
    return new CliError(this.message, this.exitCode, {
      ...this.extras,
      details: [...this.details, ...lines],
    });
  }
}
