import type { RequestStatusResponse } from '../client';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';
import { followRequest, retryDelayMs } from './follow-request';

const status = (state: RequestStatusResponse['status'], processed: number) =>
  ({ status: state, progress: { processed, total: 4 } }) as RequestStatusResponse;

const unreachable = new CliError('Cannot reach the service', ExitCode.Unreachable, {
  transient: true,
});
const notFound = new CliError('The service answered 404', ExitCode.ServiceError);

/** Answers the polls from a script, on a clock that moves only when the follower waits. */
function scriptedService(answers: (RequestStatusResponse | CliError)[]) {
  let clock = 0;
  const waits: number[] = [];
  const shown: number[] = [];
  const retries: number[] = [];
  const follow = (giveUpAfterMs?: number) =>
    followRequest(
      () => {
        const answer = answers.shift();
        if (answer === undefined) throw new Error('polled once too often');
        return answer instanceof CliError ? Promise.reject(answer) : Promise.resolve(answer);
      },
      {
        intervalMs: 1000,
        signal: new AbortController().signal,
        onStatus: (current) => shown.push(current.progress.processed),
        onRetry: (_, delayMs) => retries.push(delayMs),
        giveUpAfterMs,
        wait: (ms) => {
          waits.push(ms);
          clock += ms;
          return Promise.resolve();
        },
        now: () => clock,
      },
    );
  return { follow, waits, shown, retries };
}

describe('followRequest', () => {
  it('polls every interval until the request has finished and returns its last status', async () => {
    const service = scriptedService([
      status('Pending', 0),
      status('Processing', 2),
      status('Failed', 4),
    ]);

    const finished = await service.follow();

    expect(finished.status).toBe('Failed');
    expect(service.shown).toEqual([0, 2, 4]);
    expect(service.waits).toEqual([1000, 1000]);
  });

  it('backs off while the service is unreachable and carries on once it answers', async () => {
    const service = scriptedService([
      status('Processing', 1),
      unreachable,
      unreachable,
      unreachable,
      status('Completed', 4),
    ]);

    await expect(service.follow()).resolves.toMatchObject({ status: 'Completed' });

    expect(service.retries).toEqual([2000, 4000, 8000]);
    expect(service.shown).toEqual([1, 4]);
  });

  it('gives up when the service stays unreachable, saying for how long', async () => {
    const service = scriptedService(Array.from({ length: 20 }, () => unreachable));

    const failure = await service.follow(60_000).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CliError);
    expect(failure).toMatchObject({
      exitCode: ExitCode.Unreachable,
      message: 'Cannot reach the service',
    });
    expect((failure as CliError).details).toEqual(['Gave up after 74 s of failed attempts.']);
  });

  it('stops at once on an answer that waiting will not change', async () => {
    const service = scriptedService([status('Processing', 1), notFound]);

    await expect(service.follow()).rejects.toBe(notFound);
    expect(service.retries).toEqual([]);
  });

  it('doubles the pause after each failure up to 15 s, or the interval if longer', () => {
    expect([1, 2, 3, 4, 5].map((failures) => retryDelayMs(failures, 1000))).toEqual([
      2000, 4000, 8000, 15_000, 15_000,
    ]);
    expect(retryDelayMs(1, 60_000)).toBe(60_000);
  });
});
