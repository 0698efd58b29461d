import Papa from 'papaparse';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { CsvDelimiter, DEFAULT_DELIMITER, detectDelimiter, HeaderLineWatch } from './csv-delimiter';
import { CsvLimits, CsvProblem, ParsedProduct, ProductRowValidator } from './product-rows';
import { RowLengthGuard, UnreadableTextError, Utf8Decoder } from './utf8-text';

export class CsvValidationError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    super(`The CSV has ${problems.length} problem(s)`);
  }
}

export interface CsvReadResult {
  /** Valid products handed to the sink; 0 when the file has a problem. */
  products: number;
  /** Image URLs of those products. */
  images: number;
  /** Every problem in file order (the first 1000, then a count of the rest); empty when valid. */
  problems: CsvProblem[];
  /** The cell separator, read from the header line; the output CSV uses it too. */
  delimiter: CsvDelimiter;
}

/** Receives the valid products in file order, a batch at a time. */
export type ProductBatchSink = (products: ParsedProduct[]) => Promise<void> | void;

const MAX_LISTED_PROBLEMS = 1000;
const BATCH_SIZE = 500;
const LINE_BREAKS = /\r\n|\r|\n/g;

/**
 * Reads a products CSV (`S. No.,Product Name,Input Image Urls`) from a stream in constant
 * memory: the bytes are decoded as UTF-8, held until the header line is whole to read the
 * delimiter from it (`,`, `;` or tab), parsed by papaparse and validated row by row, and the
 * valid products go to `sink` in batches, the file waiting while the sink is busy. From the
 * first problem on nothing more goes to the sink, but the file is still read to the end, so
 * that the answer lists every problem, with its line, at once, and the upload is drained.
 */
export async function readProductsCsv(
  source: Readable,
  limits: CsvLimits,
  sink: ProductBatchSink,
): Promise<CsvReadResult> {
  const validator = new ProductRowValidator(limits);
  const text = new PassThrough({ objectMode: true });
  let stopped = false;
  let markStopped!: () => void;
  const stopping = new Promise<void>((resolve) => (markStopped = resolve));
  const stop = (): void => {
    stopped = true;
    markStopped();
  };

  let products = 0;
  let images = 0;
  let batch: ParsedProduct[] = [];
  let sinkError: Error | undefined;
  const flush = async (): Promise<void> => {
    const full = batch;
    batch = [];
    if (full.length > 0 && validator.problems.length === 0) await sink(full);
  };

  let line = 1;
  const parse = (delimiter: CsvDelimiter) =>
    new Promise<void>((resolve) => {
      const finish = () => {
        stop();
        resolve();
      };
      Papa.parse<string[]>(text as unknown as File, {
        delimiter,
        step: (results, parser) => {
          const rowLine = line;
          line += 1 + countLineBreaks(results.data);
          if (results.errors.some((error) => error.code === 'MissingQuotes')) {
            validator.problems.push({
              line: rowLine,
              column: null,
              message: 'A quoted cell starts on this line and its closing quote is missing',
            });
            parser.abort();
            return;
          }
          const product = validator.read(results.data, rowLine);
          if (product === 'stop') {
            parser.abort();
            return;
          }
          if (!product) return;
          products++;
          images += product.imageUrls.length;
          batch.push(product);
          if (batch.length < BATCH_SIZE) return;
          // Pausing papaparse stops its parsing, not its reading: the text stream must stop too,
          // or the rest of the upload would pile up in papaparse's queue while the sink is busy.
          parser.pause();
          text.pause();
          flush().then(
            () => {
              // Resumed before the parser, which may pause it again while it parses what it has.
              text.resume();
              parser.resume();
            },
            (error: unknown) => {
              sinkError = error instanceof Error ? error : new Error(String(error));
              parser.abort();
            },
          );
        },
        complete: finish,
        error: finish,
      });
    });

  const decoder = new Utf8Decoder();
  const rowLimit = maxRowLength(limits);
  const rows = new RowLengthGuard(rowLimit);
  // The text before the header line is whole; bounded by the row limit, as the header is a row.
  let head = '';
  const headerLine = new HeaderLineWatch();
  let delimiter: CsvDelimiter | undefined;
  let parsing: Promise<void> = Promise.resolve();
  const write = (piece: string): Promise<unknown> | undefined =>
    piece === '' || text.write(piece) ? undefined : Promise.race([once(text, 'drain'), stopping]);
  const feed = (piece: string, ending = false): Promise<unknown> | undefined => {
    if (delimiter !== undefined) return write(piece);
    head += piece;
    const complete = headerLine.add(piece);
    if (!ending && !complete && head.length <= rowLimit) return undefined;
    delimiter = detectDelimiter(head);
    parsing = parse(delimiter);
    const held = head;
    head = '';
    return write(held);
  };
  // Papaparse, once reading, learns of the end through the error; before that, nobody listens.
  const stopReading = (error: Error) => text.destroy(delimiter === undefined ? undefined : error);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (stopped) continue;
      try {
        const piece = decoder.decode(chunk);
        rows.check(piece);
        await feed(piece);
      } catch (error) {
        if (!(error instanceof UnreadableTextError)) throw error;
        validator.problems.push(error.problem);
        stop();
        stopReading(error);
      }
    }
    if (!stopped) {
      try {
        const rest = decoder.end();
        await feed(rest, true);
        text.end();
      } catch (error) {
        if (!(error instanceof UnreadableTextError)) throw error;
        validator.problems.push(error.problem);
        stopReading(error);
      }
    }
    await parsing;
  } finally {
    text.destroy();
  }
  if (sinkError !== undefined) throw sinkError;
  await flush();
  const problems = capProblems(validator.finish());
  const used = delimiter ?? DEFAULT_DELIMITER;
  return problems.length > 0
    ? { products: 0, images: 0, problems, delimiter: used }
    : { products, images, problems, delimiter: used };
}

/** Reads a whole CSV held in memory; throws `CsvValidationError` listing its problems. */
export async function parseProductsCsv(
  input: Buffer | string,
  limits: CsvLimits,
): Promise<ParsedProduct[]> {
  const products: ParsedProduct[] = [];
  const result = await readProductsCsv(Readable.from([Buffer.from(input)]), limits, (batch) => {
    products.push(...batch);
  });
  if (result.problems.length > 0) throw new CsvValidationError(result.problems);
  return products;
}

/** The longest a valid row can be, in characters, with room to spare. */
function maxRowLength(limits: CsvLimits): number {
  return limits.maxUrlsPerRow * (limits.maxUrlLength + 2) + 2 * limits.maxFieldLength + 4096;
}

function countLineBreaks(cells: string[]): number {
  let count = 0;
  for (const cell of cells) count += cell.match(LINE_BREAKS)?.length ?? 0;
  return count;
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
