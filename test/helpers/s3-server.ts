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

  private constructor(
    readonly directory: string,
    private _port = 0,
  ) {}

  /** In a new temporary directory, or in `directory` with the objects it holds. */
  static async start(directory = mkdtempSync(join(tmpdir(), 's3rver-'))): Promise<S3Server> {
    const s3 = S3Server.describe(directory, 0);
    await s3.resume();
    return s3;
  }

  /** One that another process runs on `port`, not started here. */
  static describe(directory: string, port: number): S3Server {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    return new S3Server(directory, port);
  }

  get port(): number {
    return this._port;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this._port}`;
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
      port: this._port,
      silent: true,
      directory: this.directory,
      configureBuckets: [{ name: this.bucket }],
    });
    this._port = (await server.run()).port;
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
