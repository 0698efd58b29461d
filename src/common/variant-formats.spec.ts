import { parseVariantList, variantListText } from './variant-formats';

describe('parseVariantList', () => {
  it('reads each format once, in a fixed order, whatever the case and spacing', () => {
    expect(parseVariantList(' AVIF, webp ,avif')).toEqual(['webp', 'avif']);
  });

  it('reads an empty or blank list as none', () => {
    expect(parseVariantList('')).toEqual([]);
    expect(parseVariantList(' , ')).toEqual([]);
  });

  it('refuses a format it does not make', () => {
    expect(parseVariantList('webp,jxl')).toBeNull();
    expect(parseVariantList('jpeg')).toBeNull();
  });
});

describe('variantListText', () => {
  it('writes the formats in the same fixed order', () => {
    expect(variantListText(['avif', 'webp'])).toBe('webp,avif');
    expect(variantListText([])).toBe('');
  });
});
