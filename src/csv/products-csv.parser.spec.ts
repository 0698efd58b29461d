import { CsvProblem, CsvValidationError, parseProductsCsv } from './products-csv.parser';

const limits = { maxRows: 100, maxUrlsPerRow: 5, maxUrlLength: 200 };
const parse = (text: string | Buffer) =>
  parseProductsCsv(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, limits);

function problemsOf(text: string | Buffer): CsvProblem[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof CsvValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the CSV to be rejected');
}

describe('parseProductsCsv', () => {
  it('reads the reference sample: BOM, CRLF, quoted lists separated by ", "', () => {
    const csv =
      '\uFEFFS. No.,Product Name,Input Image Urls\r\n' +
      '1,SKU1,"https://a.example/1.jpg, https://a.example/2.jpg, https://a.example/3.jpg"\r\n' +
      '2,SKU2,"https://b.example/1.jpg, https://b.example/2.jpg"\r\n';

    const products = parse(csv);

    expect(products).toEqual([
      {
        rowNumber: 1,
        lineNumber: 2,
        serialNumber: '1',
        productName: 'SKU1',
        inputImageUrls: 'https://a.example/1.jpg, https://a.example/2.jpg, https://a.example/3.jpg',
        imageUrls: [
          'https://a.example/1.jpg',
          'https://a.example/2.jpg',
          'https://a.example/3.jpg',
        ],
      },
      {
        rowNumber: 2,
        lineNumber: 3,
        serialNumber: '2',
        productName: 'SKU2',
        inputImageUrls: 'https://b.example/1.jpg, https://b.example/2.jpg',
        imageUrls: ['https://b.example/1.jpg', 'https://b.example/2.jpg'],
      },
    ]);
  });

  it('accepts LF endings, blank lines and URL lists separated by a bare comma', () => {
    const products = parse(
      'S. No.,Product Name,Input Image Urls\n\n1,Mug,"http://x.example/a.png,http://x.example/b.png"\n\n',
    );

    expect(products).toHaveLength(1);
    expect(products[0].imageUrls).toEqual(['http://x.example/a.png', 'http://x.example/b.png']);
  });

  it.each([
    ['S.No,product name,INPUT IMAGE URLS'],
    ['Serial Number,Product_Name,Input Image URLs'],
    [' s. no. , Product Name , input-image-urls '],
  ])('tolerates the header spelling %j', (header) => {
    expect(parse(`${header}\n1,Mug,http://x.example/a.png\n`)).toHaveLength(1);
  });

  it('reads an unquoted URL list that spills into extra cells as more URLs of the row', () => {
    const [product] = parse(
      'S. No.,Product Name,Input Image Urls\n1,Mug,http://x.example/a.png, http://x.example/b.png,http://x.example/c.png\n',
    );

    expect(product.imageUrls).toEqual([
      'http://x.example/a.png',
      'http://x.example/b.png',
      'http://x.example/c.png',
    ]);
    expect(product.inputImageUrls).toBe(
      'http://x.example/a.png, http://x.example/b.png,http://x.example/c.png',
    );
  });

  it('keeps quotes and commas inside product names', () => {
    const [product] = parse(
      'S. No.,Product Name,Input Image Urls\n1,"Mug, large ""blue""",http://x.example/a.png\n',
    );

    expect(product.productName).toBe('Mug, large "blue"');
  });

  it('gives the starting line of rows that follow a multi-line quoted cell', () => {
    const products = parse(
      'S. No.,Product Name,Input Image Urls\n1,Mug,"http://x.example/a.png,\nhttp://x.example/b.png"\n2,Cup,http://x.example/c.png\n',
    );

    expect(products.map((product) => product.lineNumber)).toEqual([2, 4]);
    expect(products[0].imageUrls).toHaveLength(2);
  });

  it('lists every problem of every row with its line and column', () => {
    const problems = problemsOf(
      'S. No.,Product Name,Input Image Urls\n' +
        '1,,http://x.example/a.png\n' +
        'x,Cup,"ftp://x.example/b.png, not a url"\n' +
        '3,Plate,\n',
    );

    expect(problems).toEqual([
      { line: 2, column: 'Product Name', message: 'Product name is missing' },
      { line: 3, column: 'S. No.', message: 'Serial number "x" is not a whole number' },
      {
        line: 3,
        column: 'Input Image Urls',
        message: 'URL 1 "ftp://x.example/b.png" must start with http:// or https://',
      },
      {
        line: 3,
        column: 'Input Image Urls',
        message: 'URL 2 "not a url" contains white space',
      },
      { line: 4, column: 'Input Image Urls', message: 'No image URL given' },
    ]);
  });

  it('rejects an empty file', () => {
    expect(problemsOf('')).toEqual([
      { line: 1, column: null, message: 'The file is empty: expected a header row' },
    ]);
  });

  it('rejects a header with a missing column', () => {
    expect(problemsOf('S. No.,Product Name\n1,Mug\n')).toEqual([
      expect.objectContaining({ line: 1, column: 'Input Image Urls' }),
    ]);
  });

  it('rejects an unknown column in the header', () => {
    expect(problemsOf('S. No.,Name,Input Image Urls\n1,Mug,http://x.example/a\n')).toEqual(
      expect.arrayContaining([expect.objectContaining({ line: 1, column: 'Name' })]),
    );
  });

  it('rejects a file with a header and no rows', () => {
    expect(problemsOf('S. No.,Product Name,Input Image Urls\r\n')).toEqual([
      expect.objectContaining({ line: 2, message: 'The CSV has a header but no product rows' }),
    ]);
  });

  it('points at the line where an unterminated quote starts', () => {
    expect(
      problemsOf(
        'S. No.,Product Name,Input Image Urls\n1,Mug,http://x.example/a.png\n2,"Cup,http://x.example/b.png\n',
      ),
    ).toEqual([expect.objectContaining({ line: 3, column: null })]);
  });

  it('rejects binary data with the line of the first NUL byte', () => {
    const junk = Buffer.concat([Buffer.from('S. No.,Product Name\n1,'), Buffer.from([0, 1, 2])]);

    expect(problemsOf(junk)).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringContaining('binary') }),
    ]);
  });

  it('rejects text that is not UTF-8', () => {
    const latin1 = Buffer.from(
      'S. No.,Product Name,Input Image Urls\n1,Caf\xe9,http://x/a\n',
      'latin1',
    );

    expect(problemsOf(latin1)).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringContaining('UTF-8') }),
    ]);
  });

  it('enforces the row, URL count and URL length limits', () => {
    const rows = Array.from({ length: 101 }, (_, i) => `${i + 1},P${i},http://x.example/${i}`);
    expect(problemsOf(`S. No.,Product Name,Input Image Urls\n${rows.join('\n')}`)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('more than 100 product rows') }),
    ]);

    const six = Array.from({ length: 6 }, (_, i) => `http://x.example/${i}`).join(',');
    expect(problemsOf(`S. No.,Product Name,Input Image Urls\n1,Mug,"${six}"`)).toEqual([
      expect.objectContaining({ message: '6 image URLs given; at most 5 are allowed per row' }),
    ]);

    const long = `http://x.example/${'a'.repeat(200)}`;
    expect(problemsOf(`S. No.,Product Name,Input Image Urls\n1,Mug,${long}`)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('at most 200 are allowed') }),
    ]);
  });
});
