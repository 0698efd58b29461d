import { loadConfig } from './config';
import { ConfigurationError } from './environment';

describe('loadConfig: storage and delivery', () => {
  it('keeps images on local disk, served through the API, by default', () => {
    const config = loadConfig({});

    expect(config.storage).toMatchObject({ driver: 'local', s3: null });
    expect(config.delivery).toEqual({
      mode: 'proxy',
      presignedUrlTtlSeconds: 300,
      publicObjectBaseUrl: null,
    });
  });

  it('shapes the S3 settings, ending the key prefix with a slash', () => {
    const config = loadConfig({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'product-images',
      S3_REGION: 'eu-west-1',
      S3_ENDPOINT: 'http://minio:9000',
      S3_FORCE_PATH_STYLE: 'true',
      S3_KEY_PREFIX: 'shop/batches',
      IMAGE_DELIVERY: 'redirect',
      IMAGE_URL_TTL_SECONDS: '60',
    });

    expect(config.storage.s3).toEqual({
      bucket: 'product-images',
      region: 'eu-west-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      keyPrefix: 'shop/batches/',
    });
    expect(config.delivery).toMatchObject({ mode: 'redirect', presignedUrlTtlSeconds: 60 });
  });

  it.each([
    ['a bucket without its name', { STORAGE_DRIVER: 's3' }, /S3_BUCKET: .*required/],
    [
      'a bucket name S3 refuses',
      { STORAGE_DRIVER: 's3', S3_BUCKET: 'Product_Images' },
      /S3_BUCKET: /,
    ],
    [
      'redirects from local disk',
      { IMAGE_DELIVERY: 'redirect' },
      /IMAGE_DELIVERY: .*STORAGE_DRIVER=s3/,
    ],
    [
      'public delivery without its base URL',
      { STORAGE_DRIVER: 's3', S3_BUCKET: 'images', IMAGE_DELIVERY: 'public' },
      /IMAGE_PUBLIC_BASE_URL: .*required when IMAGE_DELIVERY=public/,
    ],
    ['a key prefix that climbs out', { S3_KEY_PREFIX: 'a/../b/' }, /S3_KEY_PREFIX: /],
    ['a key prefix from the root', { S3_KEY_PREFIX: '/images/' }, /S3_KEY_PREFIX: /],
    ['a key prefix with an empty segment', { S3_KEY_PREFIX: 'a//b' }, /S3_KEY_PREFIX: /],
    [
      'a presigned URL of over a week',
      { IMAGE_URL_TTL_SECONDS: '604801' },
      /IMAGE_URL_TTL_SECONDS/,
    ],
  ])('refuses %s at start-up', (_, environment, message) => {
    const load = () => loadConfig(environment);

    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(message);
  });
});
