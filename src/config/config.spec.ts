import { loadConfig } from './config';
import { ConfigurationError } from './environment';

describe('loadConfig', () => {
  it('gives every setting its default from an empty environment', () => {
    const config = loadConfig({});

    expect(config.app).toMatchObject({
      mode: 'all',
      port: 3000,
      healthPort: 3000,
      publicBaseUrl: 'http://localhost:3000',
    });
    expect(config.database.url).toBeUndefined();
    expect(config.auth.apiKeys).toEqual([]);
    expect(config.webhook.retryDelaysMs).toEqual([
      5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000,
    ]);
  });

  it('derives the public base URL from PORT unless it is given, without a trailing slash', () => {
    expect(loadConfig({ PORT: '8080' }).app.publicBaseUrl).toBe('http://localhost:8080');
    expect(
      loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://img.example.com/' }).app,
    ).toMatchObject({ port: 8080, publicBaseUrl: 'https://img.example.com' });
  });

  it('treats empty values as unset and splits lists', () => {
    const config = loadConfig({
      DATABASE_URL: '',
      HEALTH_PORT: '',
      API_KEYS: ' one, ,two ',
      ALLOWED_PRIVATE_HOSTS: 'images.intranet,10.0.0.0/8',
    });

    expect(config.database.url).toBeUndefined();
    expect(config.app.healthPort).toBe(3000);
    expect(config.auth.apiKeys).toEqual(['one', 'two']);
    expect(config.network.allowedHosts).toEqual(['images.intranet', '10.0.0.0/8']);
  });

  it('names every invalid variable at once', () => {
    const load = () => loadConfig({ MODE: 'both', PORT: 'eighty', IMAGE_CONCURRENCY: '0' });

    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(/MODE: [^\n]+\n {2}PORT: [^\n]+\n {2}IMAGE_CONCURRENCY: /);
  });

  it('refuses split API and worker processes on SQLite or local storage unless on one host', () => {
    const shared = { DATABASE_URL: 'postgres://db/images', STORAGE_DRIVER: 's3', S3_BUCKET: 'img' };

    expect(() => loadConfig({ MODE: 'worker' })).toThrow(
      /MODE: MODE=worker shares the SQLite database \(SQLITE_PATH\) and local storage/,
    );
    expect(() => loadConfig({ MODE: 'api', DATABASE_URL: shared.DATABASE_URL })).toThrow(
      /MODE=api shares local storage \(STORAGE_DIR\).*SINGLE_HOST=true/,
    );
    expect(loadConfig({ MODE: 'worker', SINGLE_HOST: 'true' }).app.mode).toBe('worker');
    expect(loadConfig({ MODE: 'api', ...shared }).app.mode).toBe('api');
    expect(loadConfig({ MODE: 'all' }).app.mode).toBe('all');
  });

  it('reads TRUST_PROXY as Express takes it, and refuses what is not an address', () => {
    expect(loadConfig({}).app.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).app.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).app.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).app.trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'my-proxy' })).toThrow(/TRUST_PROXY: /);
  });
});
