import Papa from 'papaparse';
import { CsvDelimiter } from './csv-delimiter';
import {
  INPUT_IMAGE_URLS,
  OUTPUT_IMAGE_URLS,
  PRODUCT_NAME,
  SERIAL_NUMBER,
} from './products-csv.format';

export interface OutputCsvRow {
  serialNumber: string;
  productName: string;
  inputImageUrls: string;
  /** One entry per input URL, in input order; null where the image failed. */
  outputImageUrls: (string | null)[];
}

/**
 * The output CSV: the input columns under their canonical names, then `Output Image Urls`, in
 * input order. A failed image leaves an empty slot so that output URL N always belongs to
 * input URL N. Cells are separated as the input's were (`,` by default). Written a batch of
 * rows at a time, so that a CSV of any size streams.
 */
export const OutputCsv = {
  header(delimiter: CsvDelimiter = ','): string {
    return csvLines(
      [[SERIAL_NUMBER, PRODUCT_NAME, INPUT_IMAGE_URLS, OUTPUT_IMAGE_URLS]],
      delimiter,
    );
  },

  rows(rows: readonly OutputCsvRow[], delimiter: CsvDelimiter = ','): string {
    if (rows.length === 0) return '';
    return csvLines(
      rows.map((row) => [
        row.serialNumber,
        row.productName,
        row.inputImageUrls,
        row.outputImageUrls.map((url) => url ?? '').join(', '),
      ]),
      delimiter,
    );
  },
};

/**
 * Cells a spreadsheet would run as a formula (CSV injection) get a leading `'`. papaparse's own
 * pattern (`escapeFormulae: FORMULA_START`) ends in `.*$`, which misses a cell holding a line break.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** CSV lines ending in CRLF, formulas escaped: the shape of every CSV the service writes. */
export function csvLines(data: string[][], delimiter: CsvDelimiter = ','): string {
  return Papa.unparse(data, { delimiter, newline: '\r\n', escapeFormulae: FORMULA_START }) + '\r\n';
}
