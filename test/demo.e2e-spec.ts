import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestStatusResponse } from '../src/client';
import { freePort } from './helpers/free-port';
import { StartedCommand } from './helpers/started-command';
import { removeRedisKeys, SHARED_REDIS_URL, testQueuePrefix } from './helpers/test-run';
import { waitFor } from './helpers/wait-for';

/** The first URL printed after `label`. */
function urlAfter(output: string, label: string): string {
  const match = new RegExp(`${label}\\s+(http\\S+)`).exec(output);
  if (!match) throw new Error(`No "${label}" URL in the demo's output:\n${output}`);
  return match[1];
}

/** `npm run demo`, as that script runs it: on its own defaults, with nothing of this environment. */
const startDemo = (env: Record<string, string>) =>
  new StartedCommand(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'scripts/demo.ts'],
    env,
  );

describe('npm run demo', () => {
  let dataDir: string;
  let port: number;
  let demo: StartedCommand;
  const queuePrefix = testQueuePrefix();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'image-batch-demo-'));
    port = await freePort();
    demo = startDemo({
      PORT: String(port),
      DEMO_IMAGES_PORT: '0',
      DEMO_DATA_DIR: dataDir,
      REDIS_URL: SHARED_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
    });
    await waitFor(
      () => {
        if (!demo.running) throw new Error(`The demo stopped:\n${demo.output}`);
        return demo.output.includes('press Ctrl-C');
      },
      { what: () => `the demo to be ready:\n${demo.output}`, progress: () => demo.output.length },
    );
  });

  afterAll(async () => {
    if (demo.running) {
      demo.signal('SIGINT');
      await demo.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    await removeRedisKeys(SHARED_REDIS_URL, queuePrefix);
  });

  it('prints the console URL of the uploaded request, and the console answers there', async () => {
    const consoleUrl = urlAfter(demo.output, 'Watch it in the console:');
    const requestId = /#\/requests\/([0-9a-f-]{36})$/.exec(consoleUrl)?.[1];

    expect(consoleUrl).toBe(`http://localhost:${port}/#/requests/${requestId}`);
    const page = await fetch(consoleUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('processes the sample batch to the end, every image Completed', async () => {
    const statusUrl = urlAfter(demo.output, 'Status:');
    const status = (await (await fetch(statusUrl)).json()) as RequestStatusResponse;

    expect(statusUrl).toBe(`http://localhost:${port}/status/${status.request_id}`);
    expect(status.status).toBe('Completed');
    expect(status.progress).toMatchObject({ total: 6, succeeded: 6, failed: 0 });
    expect(status.images.items.map((image) => image.status)).toEqual(Array(6).fill('Completed'));
    expect(demo.output).toContain('Completed in');
    expect(demo.output).toContain('6 of 6 images succeeded.');
  });

  it('keeps the service running until Ctrl-C, then stops', async () => {
    expect((await fetch(`http://localhost:${port}/health/live`)).status).toBe(200);

    demo.signal('SIGINT');
    const { code, signal } = await demo.exited;

    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(demo.output).toContain('Stopping...');
    await expect(fetch(`http://localhost:${port}/health/live`)).rejects.toThrow();
  });
});
