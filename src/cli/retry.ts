import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './cli-error';

/** Waits `ms`, or fails at once with an AbortError when `signal` is aborted (Ctrl-C). */
export function waitUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}

export interface RetryOptions {
  signal: AbortSignal;
  /**
   * The pause before trying again after `failures` transient failures in a row, the first of
   * them `failingForMs` ago and the last `problem`; undefined to give up.
   */
  delayMs: (failures: number, failingForMs: number, problem: CliError) => number | undefined;
  /** `problem` happened and the call is made again in `delayMs`. */
  onRetry: (problem: CliError, delayMs: number) => void;
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

/**
 * Makes `call` until it succeeds, making it again after each transient `CliError` for as long
 * as `delayMs` gives a pause. Any other failure, and the last transient one, is thrown; Ctrl-C
 * during a pause throws an AbortError.
 */
export async function retryWhileTransient<T>(
  call: () => Promise<T>,
  { signal, delayMs, onRetry, wait = waitUnlessStopped, now = Date.now }: RetryOptions,
): Promise<T> {
  let failures = 0;
  let failingSince: number | undefined;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof CliError) || !error.transient) throw error;
      failingSince ??= now();
      const failingForMs = now() - failingSince;
      failures++;
      const pauseMs = delayMs(failures, failingForMs, error);
      if (pauseMs === undefined) {
        throw failures === 1
          ? error
          : error.withDetails(
              `Gave up after ${Math.round(failingForMs / 1000)} s of failed attempts.`,
            );
      }
      onRetry(error, pauseMs);
      await wait(pauseMs, signal);
    }
  }
}
