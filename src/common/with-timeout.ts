/** Thrown when an operation takes longer than it was given; the operation itself goes on. */
export class TimeoutError extends Error {}

/**
 * Settles like `promise`, or rejects with a `TimeoutError` saying `what` took too long.
 * The timer never keeps the process alive.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
