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
});
