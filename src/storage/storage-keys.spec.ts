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
    ["a kept source's extension", '1-1.source'],
  ])('refuses a file name with %s', (_, fileName) => {
    expect(StorageKeys.resolveImage(REQUEST_ID, fileName)).toBeNull();
  });

  it('stores a variant beside its image, served by its own extension', () => {
    const parts = { requestId: REQUEST_ID, rowNumber: 2, position: 1 };
    const key = StorageKeys.variant({ ...parts, format: 'avif' });

    expect(key).toBe(`${REQUEST_ID}/2-1.avif`);
    expect(key).not.toBe(StorageKeys.image({ ...parts, format: 'jpeg' }));
    expect(StorageKeys.resolveImage(REQUEST_ID, '2-1.avif')?.contentType).toBe('image/avif');
  });

  it('keeps a source for its variants inside the request folder, where no route serves it', () => {
    const key = StorageKeys.variantSource({ requestId: REQUEST_ID, rowNumber: 2, position: 1 });

    expect(key.startsWith(`${StorageKeys.requestFolder(REQUEST_ID)}/`)).toBe(true);
    expect(StorageKeys.resolveImage(REQUEST_ID, key.split('/')[1])).toBeNull();
  });
});
