import { StorageKeys } from './storage-keys';

const REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';

describe('StorageKeys', () => {
  it.each([
    ['jpeg', 'jpg', 'image/jpeg'],
    ['png', 'png', 'image/png'],
    ['webp', 'webp', 'image/webp'],
    ['gif', 'gif', 'image/gif'],
    ['avif', 'avif', 'image/avif'],
  ] as const)(
    'stores a %s image under its row and position with the .%s extension, served as %s',
    (format, extension, contentType) => {
      const key = StorageKeys.image({ requestId: REQUEST_ID, rowNumber: 12, position: 3, format });

      expect(key).toBe(`${REQUEST_ID}/12-3.${extension}`);
      expect(StorageKeys.resolveImage(REQUEST_ID, `12-3.${extension}`)).toEqual({
        key,
        contentType,
      });
    },
  );

  it.each([
    ['an unknown extension', '1-1.exe'],
    ['a path', '../1-1.jpg'],
    ['no position', '1.jpg'],
    ['a zero row', '0-1.jpg'],
    ['a 300-digit row', `${'9'.repeat(300)}-1.jpg`],
    ['an upper-case extension', '1-1.JPG'],
  ])('refuses a file name with %s', (_, fileName) => {
    expect(StorageKeys.resolveImage(REQUEST_ID, fileName)).toBeNull();
  });
});
