import Papa from 'papaparse';
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
 * Builds the output CSV: the input columns unchanged plus `Output Image Urls`, in input order.
 * A failed image leaves an empty slot so that output URL N always belongs to input URL N.
 */
export function writeOutputCsv(rows: Iterable<OutputCsvRow>): string {
  const data: string[][] = [[SERIAL_NUMBER, PRODUCT_NAME, INPUT_IMAGE_URLS, OUTPUT_IMAGE_URLS]];
  for (const row of rows) {
    data.push([
      row.serialNumber,
      row.productName,
      row.inputImageUrls,
      row.outputImageUrls.map((url) => url ?? '').join(', '),
    ]);
  }
  // escapeFormulae keeps spreadsheets from running cells that start with = + - @ (CSV injection).
  return Papa.unparse(data, { newline: '\r\n', escapeFormulae: true }) + '\r\n';
}
