import { ReportCsv, ReportCsvRow } from './report-csv.writer';

const compressed: ReportCsvRow = {
  serialNumber: '1',
  productName: 'Mug, large',
  position: 1,
  inputUrl: 'http://in/a.jpg',
  outputUrl: 'http://out/1-1.jpg',
  format: 'jpeg',
  sourceQuality: 90,
  targetQuality: 45,
  bytesIn: 200_000,
  bytesOut: 61_022,
  score: 0.97,
  result: 'Compressed',
  details: null,
  variants: [],
};

describe('ReportCsv', () => {
  it('writes one row per image, with the share saved and the score in four decimals', () => {
    expect(ReportCsv.header() + ReportCsv.rows([compressed])).toBe(
      'S. No.,Product Name,Position,Input Image Url,Output Image Url,Format,Source Quality,' +
        'Target Quality,Bytes In,Bytes Out,Saved %,Score,Result,Details,' +
        'WebP Url,WebP Bytes,WebP Score,AVIF Url,AVIF Bytes,AVIF Score,Variants Dropped\r\n' +
        '1,"Mug, large",1,http://in/a.jpg,http://out/1-1.jpg,jpeg,90,45,200000,61022,69.5,' +
        '0.9700,Compressed,,,,,,,,\r\n',
    );
  });

  it('leaves what a failed image does not have empty, and says why it failed', () => {
    const failed: ReportCsvRow = {
      ...compressed,
      position: 2,
      outputUrl: null,
      format: null,
      sourceQuality: null,
      targetQuality: null,
      bytesIn: null,
      bytesOut: null,
      score: null,
      result: 'Failed',
      details: 'Download failed with HTTP 404',
    };
    expect(ReportCsv.rows([failed])).toBe(
      '1,"Mug, large",2,http://in/a.jpg,,,,,,,,,Failed,Download failed with HTTP 404,,,,,,,\r\n',
    );
  });

  it('gives each kept variant its URL, bytes and score, and says why the others were dropped', () => {
    const row: ReportCsvRow = {
      ...compressed,
      variants: [
        {
          format: 'webp',
          url: 'http://out/1-1.webp',
          bytes: 40_210,
          score: 0.9712,
          dropReason: null,
        },
        { format: 'avif', url: null, bytes: 63_000, score: 0.9701, dropReason: 'not-smaller' },
      ],
    };
    expect(ReportCsv.rows([row])).toBe(
      '1,"Mug, large",1,http://in/a.jpg,http://out/1-1.jpg,jpeg,90,45,200000,61022,69.5,' +
        '0.9700,Compressed,,http://out/1-1.webp,40210,0.9712,,,,avif: not-smaller\r\n',
    );
  });

  it('escapes a cell that a spreadsheet would run as a formula', () => {
    const row = { ...compressed, productName: '=HYPERLINK("http://evil")' };
    expect(ReportCsv.rows([row])).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});
