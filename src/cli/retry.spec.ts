import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';
import { retryWhileTransient } from './retry';

const refused = new CliError('Cannot reach the service', ExitCode.Unreachable, {
  transient: true,
});
const invalid = new CliError('The service refused the CSV', ExitCode.CsvRejected);

/** A call answered from a script, on a clock that moves only while the caller waits. */
function scriptedCall<T>(answers: (T | Error)[], delaysMs: (number | undefined)[]) {
  let clock = 0;
  const calls: number[] = [];
  const retries: { message: string; delayMs: number }[] = [];
  const run = (signal = new AbortController().signal) =>
    retryWhileTransient(
      () => {
        calls.push(clock);
        const answer = answers.shift();
        if (answer === undefined) throw new Error('called once too often');
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
      {
        signal,
        delayMs: (failures) => delaysMs[failures - 1],
        onRetry: (problem, delayMs) => retries.push({ message: problem.message, delayMs }),
        wait: (ms, abort) => {
          if (abort.aborted) return Promise.reject(new DOMException('Aborted', 'AbortError'));
          clock += ms;
          return Promise.resolve();
        },
        now: () => clock,
      },
    );
  return { run, calls, retries };
}

describe('retryWhileTransient', () => {
  it('makes the call again after each transient failure, at the pauses given', async () => {
    const call = scriptedCall([refused, refused, 'accepted'], [500, 1000, 2000]);

    await expect(call.run()).resolves.toBe('accepted');

    expect(call.calls).toEqual([0, 500, 1500]);
    expect(call.retries).toEqual([
      { message: 'Cannot reach the service', delayMs: 500 },
      { message: 'Cannot reach the service', delayMs: 1000 },
    ]);
  });

  it('throws the last failure when there is no pause left, saying how long it tried', async () => {
    const call = scriptedCall([refused, refused, refused, refused], [500, 1000, 2000]);

    const failure = await call.run().catch((error: unknown) => error);

    expect(call.calls).toEqual([0, 500, 1500, 3500]);
    expect(failure).toMatchObject({ exitCode: ExitCode.Unreachable });
    expect((failure as CliError).details).toEqual(['Gave up after 4 s of failed attempts.']);
  });

  it('throws a transient failure as it is when the first one is already the last', async () => {
    const call = scriptedCall([refused], []);

    await expect(call.run()).rejects.toBe(refused);
    expect(call.retries).toEqual([]);
  });

  it('never makes the call again after a failure that is not transient', async () => {
    const call = scriptedCall([refused, invalid, 'accepted'], [500, 1000, 2000]);

    await expect(call.run()).rejects.toBe(invalid);
    expect(call.calls).toEqual([0, 500]);
  });

  it('stops during a pause when Ctrl-C aborts it', async () => {
    const interruption = new AbortController();
    interruption.abort();
    const call = scriptedCall([refused, 'accepted'], [500]);

    await expect(call.run(interruption.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(call.calls).toEqual([0]);
  });
});
