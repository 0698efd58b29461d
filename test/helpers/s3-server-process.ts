import { ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Server } from './s3-server';
import type { Env } from './test-app';
import { TYPESCRIPT_LOADER_ARGS } from './typescript-loader';

/** The niceness of a process that runs only when nothing else wants the CPU. */
const LOWEST_PRIORITY = 19;

/** What the process says once its server listens. */
interface Listening {
  port: number;
}

/**
 * An S3Server in a process of its own, for tests that measure a service while it talks to the
 * bucket: s3rver does its work (listing a folder, removing thousands of objects) on its event
 * loop, and in the test's process that would hold up whatever else the test serves or asks,
 * to be counted against the service. Its objects are kept in a temporary directory that
 * `remove()` takes away with the process.
 */
export class S3ServerProcess {
  private constructor(
    private readonly server: S3Server,
    private readonly child: ChildProcess,
    private readonly directory: string,
  ) {}

  static async start(): Promise<S3ServerProcess> {
    const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
    const child = fork(__filename, [directory], {
      execArgv: [...TYPESCRIPT_LOADER_ARGS],
    });
    try {
      // It stands for a store on other machines: on a busy one its work should wait for the
      // service's, not take the service's share of the cores.
      if (child.pid !== undefined) setPriority(child.pid, LOWEST_PRIORITY);
      const { port } = await new Promise<Listening>((resolve, reject) => {
        child.once('message', (message) => resolve(message as Listening));
        child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
      });
      // Settings of a bucket that another process serves, and s3rver's keys in this one.
      const server = S3Server.describe(directory, port);
      return new S3ServerProcess(server, child, directory);
    } catch (error) {
      child.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
      throw error;
    }
  }

  get bucket(): string {
    return this.server.bucket;
  }

  get endpoint(): string {
    return this.server.endpoint;
  }

  environment(): Env {
    return this.server.environment();
  }

  /** Ends the process and removes its objects. */
  async remove(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [directory] = process.argv.slice(2);
  void S3Server.start(directory).then(
    (server) => process.send?.({ port: server.port } satisfies Listening),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
  // Ends with the test that started it, even one that died without removing it.
  process.once('disconnect', () => process.exit(0));
}
