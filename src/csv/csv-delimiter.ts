import Papa from 'papaparse';

/**
 * The cell separators a products CSV may use: `,`, and `;` as Excel writes CSV in locales whose
 * decimal separator is a comma, and tab. Which one a file uses is read from its header line.
 */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export const DEFAULT_DELIMITER: CsvDelimiter = ',';
const NOT_BLANK = /\S/;

export function isCsvDelimiter(value: string): value is CsvDelimiter {
  return (CSV_DELIMITERS as readonly string[]).includes(value);
}

/** Watches the start of a file, a piece at a time, until its first non-blank line is whole. */
export class HeaderLineWatch {
  private filled = false;

  /** True once the pieces seen so far hold the header line whole. */
  add(piece: string): boolean {
    let from = 0;
    if (!this.filled) {
      from = piece.search(NOT_BLANK);
      if (from === -1) return false;
      this.filled = true;
    }
    return lineBreakAfter(piece, from) !== -1;
  }
}

/**
 * The delimiter of a file, from the start of its text: papaparse's guess over the first
 * non-blank line alone (the header, whose cells are names without separators in them), so that
 * a comma inside an unquoted URL list below cannot sway it. A comma when nothing splits the
 * header line.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const first = text.search(NOT_BLANK);
  if (first === -1) return DEFAULT_DELIMITER;
  const start = Math.max(text.lastIndexOf('\n', first), text.lastIndexOf('\r', first)) + 1;
  const end = lineBreakAfter(text, first);
  const headerLine = text.slice(start, end === -1 ? text.length : end);
  const guessed = Papa.parse<string[]>(headerLine, {
    delimitersToGuess: [...CSV_DELIMITERS],
    preview: 1,
  }).meta.delimiter;
  return isCsvDelimiter(guessed) ? guessed : DEFAULT_DELIMITER;
}

function lineBreakAfter(text: string, from: number): number {
  const feed = text.indexOf('\n', from);
  const carriageReturn = text.indexOf('\r', from);
  if (feed === -1) return carriageReturn;
  return carriageReturn === -1 ? feed : Math.min(feed, carriageReturn);
}
