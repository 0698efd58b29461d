import { distance } from 'fastest-levenshtein';
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
  /** The longest product name, in characters; serial numbers are held to this too. */
  maxFieldLength: number;
}

/** Serial numbers are stored in a column of this many characters on every database. */
export const SERIAL_NUMBER_MAX_LENGTH = 255;

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

/** Values quoted back in messages are cut to this many characters. */
const QUOTED_VALUE_LENGTH = 80;

const normaliseHeader = (cell: string): string => cell.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Splits a URL cell on commas, accepting `,` and `, ` (and stray blanks) between URLs. */
export const splitUrlList = (cell: string): string[] =>
  cell
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');

/** A value as a message quotes it: in double quotes, cut short when long. */
const quoted = (value: string): string =>
  value.length > QUOTED_VALUE_LENGTH
    ? `"${value.slice(0, QUOTED_VALUE_LENGTH - 3)}..."`
    : `"${value}"`;

/** Header cells a message names at most; a padded or garbled header can have thousands. */
const LISTED_CELLS = 10;

const listed = (names: readonly string[]): string =>
  names.length > LISTED_CELLS
    ? `${names.slice(0, LISTED_CELLS).map(quoted).join(', ')} and ${names.length - LISTED_CELLS} more`
    : names.map(quoted).join(', ');

/**
 * The expected column an unknown header cell most likely means, among those still missing: the
 * one whose spelling (or alias) is fewest edits away, when that is at most half its length; or
 * the only one missing, when this is the only unknown cell.
 */
function nearestColumn(
  cell: string,
  missing: readonly ColumnKey[],
  onlyUnknown: boolean,
): ColumnKey | undefined {
  const spelling = normaliseHeader(cell);
  let nearest: { key: ColumnKey; edits: number } | undefined;
  for (const [alias, key] of Object.entries(HEADER_ALIASES)) {
    if (!missing.includes(key)) continue;
    const edits = distance(spelling, alias);
    if (edits <= alias.length / 2 && (!nearest || edits < nearest.edits)) nearest = { key, edits };
  }
  if (nearest) return nearest.key;
  return onlyUnknown && missing.length === 1 ? missing[0] : undefined;
}

/**
 * Validates the rows of a products CSV one at a time, in file order: the first non-blank row is
 * the header, every later one a product. Collects every problem with its line and column
 * instead of stopping at the first, so that a user can fix a file in one go.
 */
export class ProductRowValidator {
  readonly problems: CsvProblem[] = [];
  private columns: Map<ColumnKey, number> | undefined;
  private headerLength = 0;
  private rows = 0;

  constructor(private readonly limits: CsvLimits) {}

  /** True once the header has been read and accepted. */
  get hasHeader(): boolean {
    return this.columns !== undefined;
  }

  /** Product rows seen so far, valid or not. */
  get rowCount(): number {
    return this.rows;
  }

  /**
   * Reads one row. Returns the product when the row is a valid product, null for the header,
   * a blank row or a row with problems (recorded in `problems`), and 'stop' when the file
   * cannot be read further: a bad header, or more rows than allowed.
   */
  read(cells: string[], line: number): ParsedProduct | null | 'stop' {
    if (cells.every((cell) => cell.trim() === '')) return null;
    if (!this.columns) return this.readHeader(cells, line);
    if (this.rows >= this.limits.maxRows) {
      this.problems.push({
        line: 1,
        column: null,
        message: `The CSV has more than ${this.limits.maxRows} product rows, the most one upload may have`,
      });
      return 'stop';
    }
    // A row with problems still counts, so that row numbers and limits stay true.
    this.rows++;
    return this.readProduct(cells, line, this.columns);
  }

  /** The problems of a file that ended here: none left unsaid about an empty file. */
  finish(): CsvProblem[] {
    if (this.problems.length === 0 && !this.columns) {
      this.problems.push({
        line: 1,
        column: null,
        message: 'The file is empty: expected a header row',
      });
    } else if (this.problems.length === 0 && this.rows === 0) {
      this.problems.push({
        line: 2,
        column: null,
        message: 'The CSV has a header but no product rows',
      });
    }
    return this.problems;
  }

  /**
   * Accepts the header, or records one problem that says what was found, what was expected and
   * what each unknown column looks like, so that one message is enough to fix the file.
   */
  private readHeader(cells: string[], line: number): null | 'stop' {
    const columns = new Map<ColumnKey, number>();
    const unknown: string[] = [];
    const repeated: ColumnKey[] = [];
    // Trailing empty header cells come from spreadsheets that pad rows; they mean nothing.
    let length = cells.length;
    while (length > 0 && cells[length - 1].trim() === '') length--;
    for (let index = 0; index < length; index++) {
      const key = HEADER_ALIASES[normaliseHeader(cells[index])];
      if (!key) unknown.push(cells[index].trim());
      else if (columns.has(key)) repeated.push(key);
      else columns.set(key, index);
    }
    const missing = (Object.keys(COLUMN_NAMES) as ColumnKey[]).filter((key) => !columns.has(key));
    if (unknown.length === 0 && repeated.length === 0 && missing.length === 0) {
      this.columns = columns;
      this.headerLength = length;
      return null;
    }
    this.problems.push({ line, column: null, message: headerMessage() });
    return 'stop';

    function headerMessage(): string {
      const found = cells.slice(0, length).map((cell) => cell.trim());
      const parts = [
        `The header row does not match: found ${found.length} column(s), ${listed(found)}; ` +
          `expected ${listed(Object.values(COLUMN_NAMES))}.`,
      ];
      const hints = unknown.slice(0, LISTED_CELLS).flatMap((cell) => {
        const key = nearestColumn(cell, missing, unknown.length === 1);
        return key ? [`${quoted(cell)} looks like ${quoted(COLUMN_NAMES[key])}`] : [];
      });
      if (hints.length > 0) parts.push(`${hints.join('; ')}.`);
      const unmatched = missing.filter(
        (key) =>
          !unknown.some((cell) => nearestColumn(cell, missing, unknown.length === 1) === key),
      );
      if (unmatched.length > 0) {
        parts.push(`Missing: ${listed(unmatched.map((key) => COLUMN_NAMES[key]))}.`);
      }
      if (repeated.length > 0) {
        parts.push(
          `Given twice: ${listed([...new Set(repeated)].map((key) => COLUMN_NAMES[key]))}.`,
        );
      }
      return parts.join(' ');
    }
  }

  private readProduct(
    cells: string[],
    line: number,
    columns: Map<ColumnKey, number>,
  ): ParsedProduct | null {
    const problems: CsvProblem[] = [];
    const { headerLength, limits } = this;
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
    const serialNumber = cell('serialNumber')?.trim() ?? '';
    const productName = cell('productName')?.trim() ?? '';
    const maxSerialLength = Math.min(limits.maxFieldLength, SERIAL_NUMBER_MAX_LENGTH);
    if (!serialNumber) {
      problems.push({ line, column: SERIAL_NUMBER, message: 'Serial number is missing' });
    } else if (serialNumber.length > maxSerialLength) {
      problems.push({
        line,
        column: SERIAL_NUMBER,
        message: `Serial number is ${serialNumber.length} characters long; at most ${maxSerialLength} are allowed`,
      });
    } else if (!/^\d+$/.test(serialNumber)) {
      problems.push({
        line,
        column: SERIAL_NUMBER,
        message: `Serial number ${quoted(serialNumber)} is not a whole number`,
      });
    }
    if (!productName) {
      problems.push({ line, column: PRODUCT_NAME, message: 'Product name is missing' });
    } else if (productName.length > limits.maxFieldLength) {
      problems.push({
        line,
        column: PRODUCT_NAME,
        message: `Product name is ${productName.length} characters long; at most ${limits.maxFieldLength} are allowed`,
      });
    }
    // An unquoted URL list spills into the cells after the last column: they are more URLs.
    const urlCell = cell('imageUrls') ?? '';
    const inputImageUrls =
      urlColumn === headerLength - 1 && extra.length > 0 ? [urlCell, ...extra].join(',') : urlCell;
    const imageUrls = splitUrlList(inputImageUrls);
    if (imageUrls.length === 0) {
      problems.push({ line, column: INPUT_IMAGE_URLS, message: 'No image URL given' });
    } else if (imageUrls.length > limits.maxUrlsPerRow) {
      problems.push({
        line,
        column: INPUT_IMAGE_URLS,
        message: `${imageUrls.length} image URLs given; at most ${limits.maxUrlsPerRow} are allowed per row`,
      });
    } else {
      imageUrls.forEach((url, index) => {
        const problem = checkImageUrl(url, limits.maxUrlLength);
        if (problem) {
          problems.push({ line, column: INPUT_IMAGE_URLS, message: `URL ${index + 1} ${problem}` });
        }
      });
    }

    if (problems.length > 0) {
      this.problems.push(...problems);
      return null;
    }
    return {
      rowNumber: this.rows,
      lineNumber: line,
      serialNumber,
      productName,
      inputImageUrls,
      imageUrls,
    };
  }
}

function checkImageUrl(url: string, maxLength: number): string | undefined {
  if (url.length > maxLength) {
    return `is ${url.length} characters long; at most ${maxLength} are allowed`;
  }
  const shown = quoted(url);
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
