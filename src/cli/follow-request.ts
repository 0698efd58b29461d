import type { RequestStatusResponse } from '../client';
import type { CliError } from './cli-error';
import { isFinished } from './progress-lines';
import { type RetryOptions, retryWhileTransient, waitUnlessStopped } from './retry';

const MAX_RETRY_DELAY_MS = 15_000;
const GIVE_UP_AFTER_MS = 120_000;

export interface FollowOptions {
  intervalMs: number;
  signal: AbortSignal;
  onStatus: (status: RequestStatusResponse) => void;
  /** A poll failed for a reason that may pass; the next one is in `delayMs`. */
  onRetry: (problem: CliError, delayMs: number) => void;
  /** How long polls may keep failing before following stops. */
  giveUpAfterMs?: number;
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** The pause after `failures` failed polls in a row: doubling from the interval, capped. */
export function retryDelayMs(failures: number, intervalMs: number): number {
  return Math.min(intervalMs * 2 ** failures, Math.max(MAX_RETRY_DELAY_MS, intervalMs));
}

/**
 * Polls `fetchStatus` every `intervalMs` until the request is Completed or Failed and returns
 * that last status. Transient failures (connection lost, 5xx, 429) are retried with a growing
 * pause for up to `giveUpAfterMs`; any other failure ends following at once.
 */
export async function followRequest(
  fetchStatus: () => Promise<RequestStatusResponse>,
  {
    intervalMs,
    signal,
    onStatus,
    onRetry,
    giveUpAfterMs = GIVE_UP_AFTER_MS,
    wait = waitUnlessStopped,
    now = Date.now,
  }: FollowOptions,
): Promise<RequestStatusResponse> {
  const retries: RetryOptions = {
    signal,
    onRetry,
    wait,
    now,
    delayMs: (failures, failingForMs) =>
      failingForMs >= giveUpAfterMs ? undefined : retryDelayMs(failures, intervalMs),
  };
  for (;;) {
    const status = await retryWhileTransient(fetchStatus, retries);
    onStatus(status);
    if (isFinished(status.status)) return status;
    await wait(intervalMs, signal);
  }
}
