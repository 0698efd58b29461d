import { CsvDelimiter } from './csv-delimiter';
import { OutputCsv, OutputCsvRow } from './output-csv.writer';
import { parseProductsCsv } from './products-csv.reader';

/** The whole output CSV, as the request finaliser writes it a batch at a time. */
function writeOutputCsv(rows: readonly OutputCsvRow[], delimiter: CsvDelimiter = ','): string {
  return OutputCsv.header(delimiter) + OutputCsv.rows(rows, delimiter);
}

describe('OutputCsv', () => {
  it('writes the input columns unchanged plus the output URLs, quoting where needed', () => {
    const csv = writeOutputCsv([
      {
        serialNumber: '1',
        productName: 'Mug, large "blue"',
        inputImageUrls: 'http://in/a.jpg, http://in/b.jpg',
        outputImageUrls: ['http://out/1-1.jpg', 'http://out/1-2.jpg'],
      },
      {
        serialNumber: '2',
        productName: 'Cup',
        inputImageUrls: 'http://in/c.jpg',
        outputImageUrls: ['http://out/2-1.jpg'],
      },
    ]);

    expect(csv).toBe(
      'S. No.,Product Name,Input Image Urls,Output Image Urls\r\n' +
        '1,"Mug, large ""blue""","http://in/a.jpg, http://in/b.jpg","http://out/1-1.jpg, http://out/1-2.jpg"\r\n' +
        '2,Cup,http://in/c.jpg,http://out/2-1.jpg\r\n',
    );
  });

  it('leaves an empty slot where an image failed, so positions still line up', () => {
    const csv = writeOutputCsv([
      {
        serialNumber: '1',
        productName: 'Mug',
        inputImageUrls: 'http://in/a.jpg, http://in/b.jpg, http://in/c.jpg',
        outputImageUrls: ['http://out/1-1.jpg', null, 'http://out/1-3.jpg'],
      },
    ]);

    expect(csv.split('\r\n')[1]).toBe(
      '1,Mug,"http://in/a.jpg, http://in/b.jpg, http://in/c.jpg","http://out/1-1.jpg, , http://out/1-3.jpg"',
    );
  });

  it('neutralises cells that a spreadsheet would run as formulas', () => {
    const csv = writeOutputCsv([
      {
        serialNumber: '1',
        productName: '=HYPERLINK("http://evil.example","click")',
        inputImageUrls: 'http://in/a.jpg',
        outputImageUrls: ['http://out/1-1.jpg'],
      },
      {
        serialNumber: '2',
        productName: '@SUM(A1)',
        inputImageUrls: 'http://in/b.jpg',
        outputImageUrls: ['http://out/2-1.jpg'],
      },
    ]);

    const [, first, second] = csv.split('\r\n');
    expect(first).toBe(
      `1,"'=HYPERLINK(""http://evil.example"",""click"")",http://in/a.jpg,http://out/1-1.jpg`,
    );
    expect(second.startsWith(`2,"'@SUM(A1)",`)).toBe(true);
  });

  it('neutralises a formula cell that holds a line break', () => {
    const csv = writeOutputCsv([
      {
        serialNumber: '1',
        productName: '=cmd|" /C calc"!A0\nmore',
        inputImageUrls: 'http://in/a.jpg',
        outputImageUrls: ['http://out/1-1.jpg'],
      },
    ]);

    expect(csv).toContain(`1,"'=cmd|"" /C calc""!A0\nmore",`);
  });

  it('round-trips through the upload parser, BOM and all', async () => {
    const csv = writeOutputCsv([
      {
        serialNumber: '7',
        productName: 'Plate, "deep"',
        inputImageUrls: 'http://in/a.jpg',
        outputImageUrls: ['http://out/1-1.jpg'],
      },
    ]);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]);
    const inputOnly = withBom
      .toString()
      .replace(',Output Image Urls', '')
      .replace(',http://out/1-1.jpg', '');

    const [product] = await parseProductsCsv(Buffer.from(inputOnly), {
      maxRows: 10,
      maxUrlsPerRow: 10,
      maxUrlLength: 100,
      maxFieldLength: 100,
    });

    expect(product).toMatchObject({ serialNumber: '7', productName: 'Plate, "deep"' });
  });
});
