import { loadConfig } from '../config/config';
import { StorageKeys } from '../storage/storage-keys';
import { PublicLinks } from './public-links';

const REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';
const IMAGE_KEY = StorageKeys.image({
  requestId: REQUEST_ID,
  rowNumber: 4,
  position: 2,
  format: 'webp',
});

const linksFor = (environment: Record<string, string>) => {
  const config = loadConfig({ PUBLIC_BASE_URL: 'https://api.example.com', ...environment });
  return new PublicLinks(config.app, config.delivery);
};

describe('PublicLinks', () => {
  it.each(['proxy', 'redirect'])(
    'hands out the API routes of images and output CSVs with %s delivery',
    (delivery) => {
      const links = linksFor({
        STORAGE_DRIVER: 's3',
        S3_BUCKET: 'images',
        IMAGE_DELIVERY: delivery,
      });

      expect(links.image(IMAGE_KEY)).toBe(`https://api.example.com/images/${REQUEST_ID}/4-2.webp`);
      expect(links.outputCsv(REQUEST_ID)).toBe(
        `https://api.example.com/status/${REQUEST_ID}/output.csv`,
      );
    },
  );

  it('hands out the stored objects under the public base URL and key prefix with public delivery', () => {
    const links = linksFor({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'images',
      S3_KEY_PREFIX: 'shop/batches',
      IMAGE_DELIVERY: 'public',
      IMAGE_PUBLIC_BASE_URL: 'https://cdn.example.com/',
    });

    expect(links.image(IMAGE_KEY)).toBe(`https://cdn.example.com/shop/batches/${IMAGE_KEY}`);
    expect(links.outputCsv(REQUEST_ID)).toBe(
      `https://cdn.example.com/shop/batches/${StorageKeys.outputCsv(REQUEST_ID)}`,
    );
    expect(links.status(REQUEST_ID)).toBe(`https://api.example.com/status/${REQUEST_ID}`);
  });

  it('hands out files under the public base URL, without a prefix, for local storage', () => {
    const links = linksFor({
      IMAGE_DELIVERY: 'public',
      IMAGE_PUBLIC_BASE_URL: 'https://files.example.com/images',
      S3_KEY_PREFIX: 'ignored/',
    });

    expect(links.image(IMAGE_KEY)).toBe(`https://files.example.com/images/${IMAGE_KEY}`);
    expect(links.outputCsv(REQUEST_ID)).toBe(
      `https://files.example.com/images/${StorageKeys.outputCsv(REQUEST_ID)}`,
    );
  });
});
