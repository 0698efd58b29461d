import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

export interface PrivateRedisOptions {
  /**
   * Keeps the data across restarts in an append-only file, written before each command is
   * answered, in a folder of its own. Off by default: a restart then loses everything.
   */
  persistent?: boolean;
}

/**
 * A throw-away `redis-server` on a free loopback port, for tests that stop and restart Redis
 * without touching the shared one.
 */
export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    /** Where a persistent server keeps its data; undefined without persistence. */
    private readonly dataDir: string | undefined,
  ) {}

  static async start({ persistent = false }: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const dataDir = persistent ? mkdtempSync(join(tmpdir(), 'private-redis-')) : undefined;
    const redis = new PrivateRedis(await freePort(), dataDir);
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port and waits until it answers. */
  async resume(): Promise<void> {
    if (this.child) return;
    const persistence = this.dataDir
      ? ['--dir', this.dataDir, '--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      [...['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''], ...persistence],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitFor(async () => child.exitCode === null && (await this.answersPing()), {
      what: `redis-server on port ${this.port}`,
    });
  }

  /** Stops the server; clients see their connections drop. A persistent server keeps its data. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the server and deletes its data. */
  async remove(): Promise<void> {
    await this.stop();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private answersPing(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('timeout', () => socket.destroy());
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
  }
}
