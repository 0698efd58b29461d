import { getMetadataStorage } from 'class-validator';
import { parse } from 'dotenv';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from './config';
import { Environment, parseEnvironment } from './environment';

const ROOT = resolve(__dirname, '..', '..');

/** Every variable the service reads: the validated properties of `Environment`. */
const SETTINGS = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(Environment, '', true, false)
    .map((metadata) => metadata.propertyName),
);

const readEnvFile = (name: string) => {
  const text = readFileSync(resolve(ROOT, name), 'utf8');
  const commentedOut = [...text.matchAll(/^#\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
  return { values: parse(text), commentedOut };
};

describe('The committed .env', () => {
  const { values, commentedOut } = readEnvFile('.env');

  it("sets every setting to the code's default", () => {
    expect(parseEnvironment(values)).toEqual(parseEnvironment({}));
  });

  it('names every setting: those with a default of their own, or unset, commented out', () => {
    const named = new Set([...Object.keys(values), ...commentedOut]);

    expect([...SETTINGS].filter((setting) => !named.has(setting))).toEqual([]);
    expect(Object.keys(values).filter((name) => !SETTINGS.has(name))).toEqual([]);
  });
});

describe('.env.example', () => {
  const { values } = readEnvFile('.env.example');
  /** Read by the AWS SDK's credential chain rather than by the service. */
  const AWS_CREDENTIALS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

  it('sets settings of the service only', () => {
    const unknown = Object.keys(values).filter(
      (name) => !SETTINGS.has(name) && !AWS_CREDENTIALS.includes(name),
    );

    expect(unknown).toEqual([]);
  });

  it('is a valid production setup: PostgreSQL, a bucket, API keys and signed webhooks', () => {
    const config = loadConfig(values);

    expect(config.database.url).toMatch(/^postgres:\/\//);
    expect(config.storage.driver).toBe('s3');
    expect(config.auth.apiKeys.length).toBeGreaterThan(0);
    expect(config.webhook.secret).toMatch(/^whsec_/);
  });
});
