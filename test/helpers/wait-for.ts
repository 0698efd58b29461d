/**
 * How long a wait may see nothing move before it fails. A busy machine makes work slower, not
 * stuck: waits fail on a stall, not on a budget for the whole wait, and jest's own timeout
 * (jest.config.js) is only the last resort for a test that hangs.
 */
export const STALL_MS = 120_000;

export interface WaitOptions {
  /** How long nothing may move before the wait fails; STALL_MS unless told. */
  timeoutMs?: number;
  intervalMs?: number;
  /** What is waited for, in the error; a function is read when the wait fails. */
  what?: string | (() => string);
  /**
   * A reading of the work being waited on (a count, a log's length): each time it changes, the
   * wait may last `timeoutMs` more.
   */
  progress?: () => unknown;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = STALL_MS, intervalMs = 100, what = 'condition', progress }: WaitOptions = {},
): Promise<T> {
  let reading = JSON.stringify(await progress?.());
  let deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    const next = JSON.stringify(await progress?.());
    if (next !== reading) {
      reading = next;
      deadline = Date.now() + timeoutMs;
    }
    if (Date.now() > deadline) {
      const moved = progress ? `, nothing having moved (${reading})` : '';
      throw new Error(
        `Waited ${timeoutMs} ms${moved} for ${typeof what === 'string' ? what : what()}`,
      );
    }
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
