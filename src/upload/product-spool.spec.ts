import { ParsedProduct } from '../csv/product-rows';
import { ProductSpool } from './product-spool';

function product(rowNumber: number, productName: string, inputImageUrls: string): ParsedProduct {
  return {
    rowNumber,
    lineNumber: rowNumber * 2,
    serialNumber: `S-${rowNumber}`,
    productName,
    inputImageUrls,
    imageUrls: inputImageUrls
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== ''),
  };
}

describe('ProductSpool', () => {
  it('gives back every product as it was written, in batches, in order', async () => {
    const written = Array.from({ length: 2500 }, (_, index) =>
      product(
        index + 1,
        index % 2 === 0 ? `Chair "Oslo"\nline two, ünïcødé 🪑 ${index}` : `Plain ${index}`,
        index % 3 === 0
          ? `https://a.example/${index}.jpg, https://b.example/x,y.png,, `
          : `https://a.example/${index}.jpg`,
      ),
    );
    const spool = new ProductSpool();
    try {
      await spool.write(written.slice(0, 700));
      await spool.write(written.slice(700));
      const batches: ParsedProduct[][] = [];
      for await (const batch of spool.batches()) batches.push(batch);
      expect(batches.map((batch) => batch.length)).toEqual([1000, 1000, 500]);
      expect(batches.flat()).toEqual(written);
    } finally {
      await spool.discard();
    }
  });
});
