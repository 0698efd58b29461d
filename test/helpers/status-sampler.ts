import { ChildProcess, fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { TYPESCRIPT_LOADER_ARGS } from './typescript-loader';

export interface StatusSample {
  /** When the sample was due (epoch ms): a stall delays its answer, not the sample. */
  dueAt: number;
  ms: number;
}

export interface StatusSamples {
  samples: StatusSample[];
  failures: string[];
}

/** Epoch milliseconds with sub-millisecond resolution, comparable between processes. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * Asks a service for the statuses of some requests in turn, one every `intervalMs` on a fixed
 * schedule (an open loop), and times each answer from when it was due: a stall of the service
 * shows in every sample it holds up, not only in the one in flight. It runs in a process of its
 * own, so that what else the test's process serves (an image server, s3rver) cannot delay the
 * samples and pass for the service's slowness.
 */
export class StatusSampler {
  private constructor(private readonly child: ChildProcess) {}

  static start(baseUrl: string, requestIds: string[], intervalMs: number): StatusSampler {
    const child = fork(__filename, [baseUrl, String(intervalMs), ...requestIds], {
      execArgv: [...TYPESCRIPT_LOADER_ARGS],
    });
    return new StatusSampler(child);
  }

  /** Stops sampling and gives every sample taken, once the answers in flight are in. */
  stop(): Promise<StatusSamples> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.reject(new Error('The status sampler had exited'));
    }
    return new Promise((resolve, reject) => {
      this.child.once('message', (message) => resolve(message as StatusSamples));
      this.child.once('exit', (code) => reject(new Error(`The status sampler exited (${code})`)));
      this.child.send('stop');
    });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

async function sample(baseUrl: string, intervalMs: number, requestIds: string[]): Promise<void> {
  const result: StatusSamples = { samples: [], failures: [] };
  const inFlight = new Set<Promise<void>>();
  let running = true;
  process.once('message', () => (running = false));
  const start = epochMs();
  for (let index = 0; running; index += 1) {
    const dueAt = start + index * intervalMs;
    const wait = dueAt - epochMs();
    if (wait > 0) await sleep(wait);
    const url = `${baseUrl}/status/${requestIds[index % requestIds.length]}`;
    const answer = fetch(url)
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.status !== 200) result.failures.push(`${url}: ${response.status}`);
        result.samples.push({ dueAt, ms: epochMs() - dueAt });
      })
      .catch((error: Error) => void result.failures.push(`${url}: ${String(error.cause)}`))
      .finally(() => inFlight.delete(answer));
    inFlight.add(answer);
  }
  await Promise.all(inFlight);
  process.send?.(result, () => process.exit(0));
}

if (require.main === module) {
  const [baseUrl, intervalMs, ...requestIds] = process.argv.slice(2);
  void sample(baseUrl, Number(intervalMs), requestIds);
}
