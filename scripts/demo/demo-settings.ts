import { join, resolve } from 'node:path';
import { Config, loadConfig } from '../../src/config/config';
import { ConfigurationError } from '../../src/config/environment';

/** A setting of the demo is wrong, or something it needs is missing; the message says which. */
export class DemoError extends Error {}

/** Where the sample images are served unless DEMO_IMAGES_PORT says otherwise. */
export const DEFAULT_IMAGES_PORT = 3001;
export const DEFAULT_SAMPLE_IMAGES_URL = `http://127.0.0.1:${DEFAULT_IMAGES_PORT}`;

export interface DemoSettings {
  /** The sample images' port; null for 3001, or any free port when 3001 is taken. */
  imagesPort: number | null;
  /** The demo's database, compressed images and sample CSV. */
  dataDir: string;
  csvPath: string;
  service: Config;
}

/**
 * The demo runs the service on its embedded defaults (a SQLite file and images on local disk,
 * Redis on localhost) and reads no .env file, so that a person's own settings (PostgreSQL, S3,
 * API keys...) do not change what it shows. From the environment it takes only:
 *
 *   PORT               the service's port (3000)
 *   REDIS_URL          where Redis is (redis://127.0.0.1:6379)
 *   QUEUE_PREFIX       the demo's queues in Redis (demo), apart from those of `npm start`
 *   LOG_LEVEL          which service log lines are shown (warn)
 *   DEMO_IMAGES_PORT   the sample images' port (3001, or any free one when it is taken)
 *   DEMO_DATA_DIR      the demo's data (./data/demo)
 */
export function demoSettings(env: NodeJS.ProcessEnv, projectRoot: string): DemoSettings {
  const dataDir = resolve(env.DEMO_DATA_DIR || join(projectRoot, 'data', 'demo'));
  const given = (name: string): Record<string, string> => (env[name] ? { [name]: env[name] } : {});
  let service: Config;
  try {
    service = loadConfig({
      ...given('PORT'),
      ...given('REDIS_URL'),
      QUEUE_PREFIX: env.QUEUE_PREFIX || 'demo',
      LOG_LEVEL: env.LOG_LEVEL || 'warn',
      LOG_PRETTY: 'true',
      SQLITE_PATH: join(dataDir, 'app.sqlite'),
      STORAGE_DIR: join(dataDir, 'images'),
      // Downloads refuse private and loopback addresses, and the sample images are served on
      // this machine's loopback. Exactly 127.0.0.1 is allowed, where they are, rather than
      // ALLOW_PRIVATE_NETWORKS, which would open every private range (the LAN, a cloud's
      // metadata service at 169.254.169.254). The allowance lives in this configuration only,
      // never in process.env, so no other process inherits it; and because it covers every
      // port of 127.0.0.1, the service listens on loopback alone, so that nobody else can make
      // it fetch from this machine's own services.
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      HOST: '127.0.0.1',
    });
  } catch (error) {
    if (error instanceof ConfigurationError) throw new DemoError(error.message);
    throw error;
  }
  return {
    imagesPort: imagesPortOf(env.DEMO_IMAGES_PORT),
    dataDir,
    csvPath: join(dataDir, 'products.csv'),
    service,
  };
}

function imagesPortOf(value: string | undefined): number | null {
  if (!value) return null;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DemoError(`DEMO_IMAGES_PORT must be a port number (0 for any free one): "${value}"`);
  }
  return port;
}
