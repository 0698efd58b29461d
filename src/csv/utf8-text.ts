import { CsvProblem } from './product-rows';

/** The upload cannot be read as CSV text; `problem` says where and why. */
export class UnreadableTextError extends Error {
  constructor(readonly problem: CsvProblem) {
    super(problem.message);
  }
}

const LINE_FEED = 0x0a;
const QUOTE = 0x22;

/**
 * Decodes an upload chunk by chunk: a character split between two chunks is joined again and a
 * leading BOM is dropped, while a NUL byte or a byte sequence that is not UTF-8 throws an
 * `UnreadableTextError` naming the line it is on.
 */
export class Utf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private linesBefore = 0;

  decode(chunk: Buffer): string {
    const nul = chunk.indexOf(0);
    if (nul !== -1) {
      throw new UnreadableTextError({
        line: this.linesBefore + countLineFeeds(chunk.subarray(0, nul)) + 1,
        column: null,
        message: 'The file contains binary data (a NUL byte); expected UTF-8 CSV text',
      });
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw this.notUtf8(chunk);
    }
    this.linesBefore += countLineFeeds(chunk);
    return text;
  }

  /** What is left once the last chunk is in: an incomplete character is an error. */
  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw this.notUtf8(Buffer.alloc(0));
    }
  }

  private notUtf8(chunk: Buffer): UnreadableTextError {
    const lenient = new TextDecoder('utf-8').decode(chunk);
    const bad = Math.max(0, lenient.indexOf('\uFFFD'));
    return new UnreadableTextError({
      line: this.linesBefore + countLineFeeds(Buffer.from(lenient.slice(0, bad))) + 1,
      column: null,
      message: 'The file is not valid UTF-8 text; save the CSV as UTF-8',
    });
  }
}

/**
 * Refuses a row longer than a valid row can be, before a CSV parser would have to hold it whole.
 * Line breaks inside quotes belong to their row, as the parser reads them.
 */
export class RowLengthGuard {
  private inQuotes = false;
  private rowLength = 0;
  private line = 1;
  private rowLine = 1;

  constructor(private readonly maxLength: number) {}

  check(text: string): void {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === QUOTE) this.inQuotes = !this.inQuotes;
      if (code === LINE_FEED) {
        this.line++;
        if (!this.inQuotes) {
          this.rowLength = 0;
          this.rowLine = this.line;
          continue;
        }
      }
      if (++this.rowLength > this.maxLength) {
        throw new UnreadableTextError({
          line: this.rowLine,
          column: null,
          message: `The row is longer than ${this.maxLength} characters, more than a valid row can be`,
        });
      }
    }
  }
}

function countLineFeeds(bytes: Buffer): number {
  let count = 0;
  for (
    let index = bytes.indexOf(LINE_FEED);
    index !== -1;
    index = bytes.indexOf(LINE_FEED, index + 1)
  ) {
    count++;
  }
  return count;
}
