import { CsvProblem } from './product-rows';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvValidationError, parseProductsCsv, readProductsCsv } from './products-csv.reader';

const limits = { maxRows: 100, maxUrlsPerRow: 5, maxUrlLength: 200, maxFieldLength: 50 };
const parse = (text: string | Buffer) =>
  parseProductsCsv(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, limits);

async function problemsOf(text: string | Buffer): Promise<CsvProblem[]> {
  try {
    await parse(text);
  } catch (error) {
    if (error instanceof CsvValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the CSV to be rejected');
}

describe('parseProductsCsv', () => {
  it('reads the reference sample: BOM, CRLF, quoted lists separated by ", "', async () => {
    const csv =
      '\uFEFFS. No.,Product Name,Input Image Urls\r\n' +
      '1,SKU1,"https://a.example/1.jpg, https://a.example/2.jpg, https://a.example/3.jpg"\r\n' +
      '2,SKU2,"https://b.example/1.jpg, https://b.example/2.jpg"\r\n';

    const products = await parse(csv);

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

  it('accepts LF endings, blank lines and URL lists separated by a bare comma', async () => {
    const products = await parse(
      'S. No.,Product Name,Input Image Urls\n\n1,Mug,"http://x.example/a.png,http://x.example/b.png"\n\n',
    );

    expect(products).toHaveLength(1);
    expect(products[0].imageUrls).toEqual(['http://x.example/a.png', 'http://x.example/b.png']);
  });

  it.each([
    ['S.No,product name,INPUT IMAGE URLS'],
    ['Serial Number,Product_Name,Input Image URLs'],
    [' s. no. , Product Name , input-image-urls '],
  ])('tolerates the header spelling %j', async (header) => {
    expect(await parse(`${header}\n1,Mug,http://x.example/a.png\n`)).toHaveLength(1);
  });

  it('reads an unquoted URL list that spills into extra cells as more URLs of the row', async () => {
    const [product] = await parse(
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

  it('keeps quotes and commas inside product names', async () => {
    const [product] = await parse(
      'S. No.,Product Name,Input Image Urls\n1,"Mug, large ""blue""",http://x.example/a.png\n',
    );

    expect(product.productName).toBe('Mug, large "blue"');
  });

  it('gives the starting line of rows that follow a multi-line quoted cell', async () => {
    const products = await parse(
      'S. No.,Product Name,Input Image Urls\n1,Mug,"http://x.example/a.png,\nhttp://x.example/b.png"\n2,Cup,http://x.example/c.png\n',
    );

    expect(products.map((product) => product.lineNumber)).toEqual([2, 4]);
    expect(products[0].imageUrls).toHaveLength(2);
  });

  it('lists every problem of every row with its line and column', async () => {
    const problems = await problemsOf(
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

  it('rejects an empty file', async () => {
    expect(await problemsOf('')).toEqual([
      { line: 1, column: null, message: 'The file is empty: expected a header row' },
    ]);
  });

  it('rejects a header with a missing column in one problem that names it', async () => {
    expect(await problemsOf('S. No.,Product Name\n1,Mug\n')).toEqual([
      {
        line: 1,
        column: null,
        message:
          'The header row does not match: found 2 column(s), "S. No.", "Product Name"; expected ' +
          '"S. No.", "Product Name", "Input Image Urls". Missing: "Input Image Urls".',
      },
    ]);
  });

  it('rejects a wrong header in one problem: found, expected and the nearest match', async () => {
    const problems = await problemsOf('S. No.,Product,Image URL\n1,Mug,http://x.example/a\n');

    expect(problems).toEqual([
      {
        line: 1,
        column: null,
        message:
          'The header row does not match: found 3 column(s), "S. No.", "Product", "Image URL"; ' +
          'expected "S. No.", "Product Name", "Input Image Urls". "Product" looks like ' +
          '"Product Name"; "Image URL" looks like "Input Image Urls".',
      },
    ]);
  });

  it('suggests nothing for a header cell far from every column', async () => {
    const [problem] = await problemsOf('Id,Name,Pictures\n1,Mug,http://x.example/a\n');

    expect(problem.message).not.toContain('looks like');
    expect(problem.message).toContain('Missing: "S. No.", "Product Name", "Input Image Urls".');
  });

  it('names a column given twice', async () => {
    const [problem] = await problemsOf(
      'S. No.,Product Name,Product Name,Input Image Urls\n1,Mug,Mug,http://x.example/a\n',
    );

    expect(problem.message).toContain('Given twice: "Product Name".');
  });

  it('lists ten cells of a header with thousands, then a count', async () => {
    const header = Array.from({ length: 1000 }, (_, index) => `c${index}`).join(',');

    const problems = await problemsOf(`${header}\n1,Mug,http://x.example/a\n`);

    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('"c9" and 990 more;');
    expect(problems[0].message.length).toBeLessThan(1000);
  });

  it('rejects a file with a header and no rows', async () => {
    expect(await problemsOf('S. No.,Product Name,Input Image Urls\r\n')).toEqual([
      expect.objectContaining({ line: 2, message: 'The CSV has a header but no product rows' }),
    ]);
  });

  it('points at the line where an unterminated quote starts', async () => {
    expect(
      await problemsOf(
        'S. No.,Product Name,Input Image Urls\n1,Mug,http://x.example/a.png\n2,"Cup,http://x.example/b.png\n',
      ),
    ).toEqual([expect.objectContaining({ line: 3, column: null })]);
  });

  it('rejects binary data with the line of the first NUL byte', async () => {
    const junk = Buffer.concat([Buffer.from('S. No.,Product Name\n1,'), Buffer.from([0, 1, 2])]);

    expect(await problemsOf(junk)).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringContaining('binary') }),
    ]);
  });

  it('rejects text that is not UTF-8', async () => {
    const latin1 = Buffer.from(
      'S. No.,Product Name,Input Image Urls\n1,Caf\xe9,http://x/a\n',
      'latin1',
    );

    expect(await problemsOf(latin1)).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringContaining('UTF-8') }),
    ]);
  });

  it('enforces the row, URL count and URL length limits', async () => {
    const rows = Array.from({ length: 101 }, (_, i) => `${i + 1},P${i},http://x.example/${i}`);
    expect(await problemsOf(`S. No.,Product Name,Input Image Urls\n${rows.join('\n')}`)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('more than 100 product rows') }),
    ]);

    const six = Array.from({ length: 6 }, (_, i) => `http://x.example/${i}`).join(',');
    expect(await problemsOf(`S. No.,Product Name,Input Image Urls\n1,Mug,"${six}"`)).toEqual([
      expect.objectContaining({ message: '6 image URLs given; at most 5 are allowed per row' }),
    ]);

    const long = `http://x.example/${'a'.repeat(200)}`;
    expect(await problemsOf(`S. No.,Product Name,Input Image Urls\n1,Mug,${long}`)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('at most 200 are allowed') }),
    ]);
  });

  it('caps product names and serial numbers, quoting no more than the start of a value', async () => {
    const name = 'N'.repeat(51);
    const serial = '7'.repeat(51);

    expect(
      await problemsOf(
        `S. No.,Product Name,Input Image Urls\n${serial},${name},http://x.example/a\n`,
      ),
    ).toEqual([
      {
        line: 2,
        column: 'S. No.',
        message: 'Serial number is 51 characters long; at most 50 are allowed',
      },
      {
        line: 2,
        column: 'Product Name',
        message: 'Product name is 51 characters long; at most 50 are allowed',
      },
    ]);
    const [notANumber] = await problemsOf(
      `S. No.,Product Name,Input Image Urls\n${'x'.repeat(40)},Mug,http://x.example/a\n`,
    );
    expect(notANumber.message).toBe(`Serial number "${'x'.repeat(40)}" is not a whole number`);
  });

  it('refuses a row longer than any valid row before parsing it whole', async () => {
    const huge = 'y'.repeat(20_000);

    expect(
      await problemsOf(
        `S. No.,Product Name,Input Image Urls\n1,Mug,http://x.example/a\n2,"${huge}`,
      ),
    ).toEqual([
      {
        line: 3,
        column: null,
        message: expect.stringMatching(/^The row is longer than \d+ characters/),
      },
    ]);
  });
});

describe('readProductsCsv', () => {
  const header = 'S. No.,Product Name,Input Image Urls\n';

  it('reads rows and characters split anywhere between chunks', async () => {
    const csv = Buffer.from(
      `\uFEFF${header}1,Café "Ø",http://x.example/é.png\r\n2,Mug,http://x.example/b\n`,
    );
    const chunks = Array.from(csv, (byte) => Buffer.from([byte]));
    const products: string[] = [];

    const result = await readProductsCsv(Readable.from(chunks), limits, (batch) => {
      products.push(...batch.map((product) => product.productName));
    });

    expect(result).toEqual({ products: 2, images: 2, problems: [], delimiter: ',' });
    expect(products).toEqual(['Café "Ø"', 'Mug']);
  });

  it.each([
    ['semicolons, as Excel saves CSV in many European locales', ';'],
    ['tabs', '\t'],
  ])('reads a file separated by %s, read from its header line', async (_, delimiter) => {
    const csv =
      ['S. No.', 'Product Name', 'Input Image Urls'].join(delimiter) +
      '\r\n' +
      ['1', 'Mug, blue', 'http://x.example/a.jpg, http://x.example/b.jpg'].join(delimiter) +
      '\r\n' +
      ['2', 'Cup', '"http://x.example/c.jpg,http://x.example/d.jpg"'].join(delimiter) +
      '\r\n';
    // One byte at a time: the header line is whole only after many chunks.
    const chunks = Array.from(Buffer.from(csv), (byte) => Buffer.from([byte]));
    const products: string[][] = [];

    const result = await readProductsCsv(Readable.from(chunks), limits, (batch) => {
      products.push(...batch.map((product) => [product.productName, ...product.imageUrls]));
    });

    expect(result).toEqual({ products: 2, images: 4, problems: [], delimiter });
    expect(products).toEqual([
      ['Mug, blue', 'http://x.example/a.jpg', 'http://x.example/b.jpg'],
      ['Cup', 'http://x.example/c.jpg', 'http://x.example/d.jpg'],
    ]);
  });

  it('reads the delimiter from the header alone, not from the rows below it', async () => {
    const csv =
      '\n\nS. No.;Product Name;Input Image Urls\n' +
      '1;Mug;http://x.example/a.jpg,http://x.example/b.jpg,http://x.example/c.jpg\n';

    const result = await readProductsCsv(Readable.from([Buffer.from(csv)]), limits, () => {});

    expect(result).toMatchObject({ products: 1, images: 3, delimiter: ';' });
  });

  it('answers a semicolon header with a comma file as one header problem', async () => {
    const result = await readProductsCsv(
      Readable.from([Buffer.from('S. No.;Product;Image URL\n1;Mug;http://x.example/a\n')]),
      limits,
      () => {},
    );

    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 1,
        message: expect.stringContaining('"Image URL" looks like "Input Image Urls"') as string,
      }),
    ]);
  });

  it('hands every product over in order while a slow sink holds the file back', async () => {
    const rows = Array.from(
      { length: 2_000 },
      (_, index) => `${index + 1},P${index + 1},http://x/${index}`,
    );
    const limits2k = { ...limits, maxRows: 2_000 };
    const received: number[] = [];

    const result = await readProductsCsv(
      Readable.from([Buffer.from(header + rows.join('\n'))]),
      limits2k,
      async (batch) => {
        await nextTurn();
        received.push(...batch.map((product) => product.rowNumber));
      },
    );

    expect(result.products).toBe(2_000);
    expect(received).toEqual(Array.from({ length: 2_000 }, (_, index) => index + 1));
  });

  it('reads no further ahead of a busy sink than a few chunks of the file', async () => {
    const chunkRows = 100;
    const chunks = 400;
    const rowText = (row: number) => `${row},Product ${row},http://x.example/${row}.jpg\n`;
    let chunksRead = 0;
    const source = new Readable({
      read() {
        if (chunksRead === chunks) return void this.push(null);
        const first = chunksRead * chunkRows + 1;
        const rows = Array.from({ length: chunkRows }, (_, index) => rowText(first + index));
        this.push(Buffer.from((chunksRead === 0 ? header : '') + rows.join('')));
        chunksRead++;
      },
    });
    const aheadOfSink: number[] = [];

    const result = await readProductsCsv(
      source,
      { ...limits, maxRows: chunks * chunkRows },
      async (batch) => {
        // Time enough for an unchecked source to pour in the rest of the file meanwhile.
        for (let turn = 0; turn < 20; turn++) await new Promise((done) => setImmediate(done));
        const rowsRead = chunksRead * chunkRows;
        aheadOfSink.push(rowsRead - batch[batch.length - 1].rowNumber);
      },
    );

    expect(result.products).toBe(chunks * chunkRows);
    expect(Math.max(...aheadOfSink)).toBeLessThan(50 * chunkRows);
  });

  it('stops handing products over at the first problem but reads the file to the end', async () => {
    const rows = Array.from({ length: 1_200 }, (_, index) =>
      index === 700 ? `${index + 1},,http://x/${index}` : `${index + 1},P,http://x/${index}`,
    );
    const source = Readable.from([Buffer.from(header + rows.join('\n') + '\n1201,,\n')]);
    let handedOver = 0;

    const result = await readProductsCsv(source, { ...limits, maxRows: 2_000 }, (batch) => {
      handedOver += batch.length;
    });

    expect(handedOver).toBe(500);
    expect(result.products).toBe(0);
    expect(result.problems.map((problem) => problem.line)).toEqual([702, 1202, 1202]);
    expect(source.readableEnded).toBe(true);
  });

  it('passes on an error of the source itself', async () => {
    const source = new Readable({
      read() {
        this.push(Buffer.from(header));
        this.destroy(new Error('client went away'));
      },
    });

    await expect(readProductsCsv(source, limits, () => undefined)).rejects.toThrow(
      'client went away',
    );
  });
});
