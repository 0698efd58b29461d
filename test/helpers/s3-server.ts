import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { Env } from './test-app';

/** The keys s3rver knows; any other is refused. */
const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/**
 * s3rver, a server of the S3 protocol, on a loopback port with one bucket, its objects in a
 * temporary directory. It can be stopped and started again on the same port, its objects kept.
 *
 * The AWS SDK reads credentials from the process environment (its default chain), so starting
 * one sets s3rver's keys there: apps started in the test process use them, and service
 * processes inherit them.
 */
export class S3Server {
  readonly bucket = 'images';
  private server: S3rver | undefined;
  private port = 0;

  private constructor(readonly directory: string) {}

  static async start(): Promise<S3Server> {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    const s3 = new S3Server(mkdtempSync(join(tmpdir(), 's3rver-')));
    await s3.resume();
    return s3;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The URL of an object (s3rver serves objects without credentials too). */
  objectUrl(objectKey: string): string {
    return `${this.endpoint}/${this.bucket}/${objectKey}`;
  }

  /** The settings that keep a service's images in this bucket. */
  environment(): Env {
    return {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: this.bucket,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: this.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      ...S3RVER_CREDENTIALS,
    };
  }

  /** Starts the server (again), on the port it had. */
  async resume(): Promise<void> {
    if (this.server) return;
    const server = new S3rver({
      address: '127.0.0.1',
      port: this.port,
      silent: true,
      directory: this.directory,
      configureBuckets: [{ name: this.bucket }],
    });
    this.port = (await server.run()).port;
    this.server = server;
  }

  /** Stops answering, dropping open connections; the objects stay for `resume()`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.httpServer?.closeAllConnections();
    await server.close();
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
