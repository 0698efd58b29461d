import Papa from 'papaparse';
import { INPUT_IMAGE_URLS, PRODUCT_NAME, SERIAL_NUMBER } from './products-csv.format';

/** One product row of an uploaded CSV, validated. */
export interface ParsedProduct {
  /** 1-based position among the data rows. */
  rowNumber: number;
  /** Line of the file the row starts on. */
  lineNumber: number;
  serialNumber: string;
  productName: string;
  /** The URL cell as written (spilled-over cells joined back with commas). */
  inputImageUrls: string;
  imageUrls: string[];
}

export interface CsvProblem {
  /** 1-based line of the file; 1 is the header. */
  line: number;
  /** Column the problem is in, by its canonical header name; null for the whole row or file. */
  column: string | null;
  message: string;
}

export interface CsvLimits {
  maxRows: number;
  maxUrlsPerRow: number;
  maxUrlLength: number;
}

export class CsvValidationError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    super(`The CSV has ${problems.length} problem(s)`);
  }
}

type ColumnKey = 'serialNumber' | 'productName' | 'imageUrls';

const COLUMN_NAMES: Record<ColumnKey, string> = {
  serialNumber: SERIAL_NUMBER,
  productName: PRODUCT_NAME,
  imageUrls: INPUT_IMAGE_URLS,
};

/** Header spellings seen in real files, compared after lower-casing and dropping everything but letters and digits. */
const HEADER_ALIASES: Record<string, ColumnKey> = {
  sno: 'serialNumber',
  srno: 'serialNumber',
  serialno: 'serialNumber',
  serialnumber: 'serialNumber',
  productname: 'productName',
  inputimageurls: 'imageUrls',
  inputimageurl: 'imageUrls',
  imageurls: 'imageUrls',
};

const MAX_LISTED_PROBLEMS = 1000;

const normaliseHeader = (cell: string): string => cell.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Splits a URL cell on commas, accepting `,` and `, ` (and stray blanks) between URLs. */
export const splitUrlList = (cell: string): string[] =>
  cell
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');

/**
 * Reads the product CSV (`S. No.,Product Name,Input Image Urls`) and validates every row.
 * Collects every problem with its line and column instead of stopping at the first,
 * so a user can fix a file in one go.
 */
export function parseProductsCsv(input: Buffer, limits: CsvLimits): ParsedProduct[] {
  const text = decodeText(input);
  const lineStarts = newlineOffsets(text);
  const lineAt = (offset: number): number => countBefore(lineStarts, offset) + 1;
  const problems: CsvProblem[] = [];
  const products: ParsedProduct[] = [];
  let columns: Map<ColumnKey, number> | undefined;
  let headerLength = 0;
  let rowStart = 0;
  let tooManyRows = false;

  Papa.parse<string[]>(text, {
    delimiter: ',',
    step: (results, parser) => {
      const line = lineAt(rowStart);
      rowStart = results.meta.cursor;
      const cells = results.data;
      if (results.errors.some((error) => error.code === 'MissingQuotes')) {
        problems.push({
          line,
          column: null,
          message: 'A quoted cell starts on this line and its closing quote is missing',
        });
        parser.abort();
        return;
      }
      if (cells.every((cell) => cell.trim() === '')) return;
      if (!columns) {
        const header = readHeader(cells, line);
        problems.push(...header.problems);
        if (header.problems.length > 0) {
          parser.abort();
          return;
        }
        columns = header.columns;
        headerLength = header.length;
        return;
      }
      if (products.length >= limits.maxRows) {
        tooManyRows = true;
        parser.abort();
        return;
      }
      const row = readRow(cells, line, products.length + 1, columns, headerLength, limits);
      if ('problems' in row) {
        problems.push(...row.problems);
      }
      // A row with problems still counts, so that row numbers and limits stay true.
      products.push('problems' in row ? row.placeholder : row);
    },
  });

  if (tooManyRows) {
    problems.push({
      line: 1,
      column: null,
      message: `The CSV has more than ${limits.maxRows} product rows, the most one upload may have`,
    });
  } else if (!columns && problems.length === 0) {
    problems.push({ line: 1, column: null, message: 'The file is empty: expected a header row' });
  } else if (columns && products.length === 0 && problems.length === 0) {
    problems.push({ line: 2, column: null, message: 'The CSV has a header but no product rows' });
  }
  if (problems.length > 0) throw new CsvValidationError(capProblems(problems));
  return products;
}

function decodeText(input: Buffer): string {
  const nul = input.indexOf(0);
  if (nul !== -1) {
    throw new CsvValidationError([
      {
        line: countNewlines(input.subarray(0, nul)) + 1,
        column: null,
        message: 'The file contains binary data (a NUL byte); expected UTF-8 CSV text',
      },
    ]);
  }
  try {
    // TextDecoder drops a leading BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(input);
    const bad = lenient.indexOf('\uFFFD');
    throw new CsvValidationError([
      {
        line: countNewlines(Buffer.from(lenient.slice(0, bad))) + 1,
        column: null,
        message: 'The file is not valid UTF-8 text; save the CSV as UTF-8',
      },
    ]);
  }
}

function readHeader(
  cells: string[],
  line: number,
): { columns: Map<ColumnKey, number>; length: number; problems: CsvProblem[] } {
  const columns = new Map<ColumnKey, number>();
  const problems: CsvProblem[] = [];
  // Trailing empty header cells come from spreadsheets that pad rows; they mean nothing.
  let length = cells.length;
  while (length > 0 && cells[length - 1].trim() === '') length--;
  for (let index = 0; index < length; index++) {
    const key = HEADER_ALIASES[normaliseHeader(cells[index])];
    if (!key) {
      problems.push({
        line,
        column: cells[index],
        message: `Unexpected column "${cells[index]}"; expected the columns ${expectedHeader()}`,
      });
    } else if (columns.has(key)) {
      problems.push({
        line,
        column: cells[index],
        message: `Column "${COLUMN_NAMES[key]}" appears twice`,
      });
    } else {
      columns.set(key, index);
    }
  }
  for (const key of Object.keys(COLUMN_NAMES) as ColumnKey[]) {
    if (!columns.has(key)) {
      problems.push({
        line,
        column: COLUMN_NAMES[key],
        message: `Missing column "${COLUMN_NAMES[key]}"; expected the columns ${expectedHeader()}`,
      });
    }
  }
  return { columns, length, problems };
}

function readRow(
  cells: string[],
  line: number,
  rowNumber: number,
  columns: Map<ColumnKey, number>,
  headerLength: number,
  limits: CsvLimits,
): ParsedProduct | { problems: CsvProblem[]; placeholder: ParsedProduct } {
  const problems: CsvProblem[] = [];
  const cell = (key: ColumnKey): string | undefined => cells[columns.get(key) ?? -1];
  const urlColumn = columns.get('imageUrls') ?? 0;
  let extra = cells.slice(headerLength);
  while (extra.length > 0 && extra[extra.length - 1].trim() === '') extra = extra.slice(0, -1);

  if (extra.length > 0 && urlColumn !== headerLength - 1) {
    problems.push({
      line,
      column: null,
      message: `The row has ${headerLength + extra.length} cells but the header has ${headerLength}`,
    });
  }
  const serialNumber = cell('serialNumber')?.trim();
  const productName = cell('productName')?.trim();
  const urlCell = cell('imageUrls');
  if (!serialNumber) {
    problems.push({ line, column: SERIAL_NUMBER, message: 'Serial number is missing' });
  } else if (!/^\d+$/.test(serialNumber)) {
    problems.push({
      line,
      column: SERIAL_NUMBER,
      message: `Serial number "${serialNumber}" is not a whole number`,
    });
  }
  if (!productName) {
    problems.push({ line, column: PRODUCT_NAME, message: 'Product name is missing' });
  }
  // An unquoted URL list spills into the cells after the last column: they are more URLs.
  const inputImageUrls =
    urlColumn === headerLength - 1 && extra.length > 0
      ? [urlCell ?? '', ...extra].join(',')
      : (urlCell ?? '');
  const imageUrls = splitUrlList(inputImageUrls);
  if (imageUrls.length === 0) {
    problems.push({ line, column: INPUT_IMAGE_URLS, message: 'No image URL given' });
  } else if (imageUrls.length > limits.maxUrlsPerRow) {
    problems.push({
      line,
      column: INPUT_IMAGE_URLS,
      message: `${imageUrls.length} image URLs given; at most ${limits.maxUrlsPerRow} are allowed per row`,
    });
  }
  imageUrls.forEach((url, index) => {
    const problem = checkImageUrl(url, limits.maxUrlLength);
    if (problem) {
      problems.push({
        line,
        column: INPUT_IMAGE_URLS,
        message: `URL ${index + 1} ${problem}`,
      });
    }
  });

  const product: ParsedProduct = {
    rowNumber,
    lineNumber: line,
    serialNumber: serialNumber ?? '',
    productName: productName ?? '',
    inputImageUrls,
    imageUrls,
  };
  return problems.length > 0 ? { problems, placeholder: product } : product;
}

function checkImageUrl(url: string, maxLength: number): string | undefined {
  const shown = url.length > 80 ? `"${url.slice(0, 77)}..."` : `"${url}"`;
  if (url.length > maxLength)
    return `is ${url.length} characters long; at most ${maxLength} are allowed`;
  if (/\s/.test(url)) return `${shown} contains white space`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${shown} is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `${shown} must start with http:// or https://`;
  }
  if (!parsed.hostname) return `${shown} has no host`;
  return undefined;
}

function capProblems(problems: CsvProblem[]): CsvProblem[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  listed.push({
    line: problems[MAX_LISTED_PROBLEMS].line,
    column: null,
    message: `${problems.length - MAX_LISTED_PROBLEMS} more problems are not listed`,
  });
  return listed;
}

const expectedHeader = (): string => `"${SERIAL_NUMBER},${PRODUCT_NAME},${INPUT_IMAGE_URLS}"`;

function newlineOffsets(text: string): number[] {
  const offsets: number[] = [];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
    offsets.push(index);
  }
  return offsets;
}

/** How many of the sorted offsets lie before `offset`. */
function countBefore(sorted: number[], offset: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let index = bytes.indexOf(10); index !== -1; index = bytes.indexOf(10, index + 1)) count++;
  return count;
}
