import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { removeStaleFiles } from '../common/stale-files';
import { ParsedProduct, splitUrlList } from '../csv/product-rows';

const BATCH_SIZE = 1000;
/** Spool files are named `image-batch-upload-<uuid>.ndjson`, in the OS temp folder. */
const spoolFileName = (id: string): string => `image-batch-upload-${id}.ndjson`;
const SPOOL_FILE_NAME = /^image-batch-upload-[0-9a-f-]{36}\.ndjson$/;
/**
 * A spool is written while its upload arrives and read while it is stored, which takes minutes
 * at most; one untouched for this long belongs to an API that was killed.
 */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * A product as a line of the spool: its fields in a JSON array, without their names and without
 * its URL list, which is its URL cell split again. Written and read back this way, a million
 * products cost about half the CPU they cost as named objects with both forms of the URLs.
 */
type SpooledProduct = [
  rowNumber: number,
  lineNumber: number,
  serialNumber: string,
  productName: string,
  inputImageUrls: string,
];

/**
 * A temporary file of validated products, one JSON line each. An upload is read and validated
 * into it first, in constant memory, so that the database transaction that stores the request
 * starts only once the whole file has arrived and proved valid, and lasts no longer than the
 * inserts themselves.
 */
export class ProductSpool {
  private readonly path = join(tmpdir(), spoolFileName(randomUUID()));
  private readonly file: WriteStream = createWriteStream(this.path);

  /** Removes the spool files that killed API processes left behind; returns how many. */
  static removeAbandoned(signal?: AbortSignal): Promise<number> {
    return removeStaleFiles({
      directory: tmpdir(),
      matches: (name) => SPOOL_FILE_NAME.test(name),
      olderThanMs: ABANDONED_AFTER_MS,
      recursive: false,
      signal,
    });
  }

  async write(products: ParsedProduct[]): Promise<void> {
    const lines = products.map((product) => JSON.stringify(spooled(product))).join('\n') + '\n';
    if (!this.file.write(lines)) await once(this.file, 'drain');
  }

  /** The products written, in order, a batch at a time; call once writing is done. */
  async *batches(): AsyncGenerator<ParsedProduct[]> {
    await this.close();
    const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
    let batch: ParsedProduct[] = [];
    for await (const line of lines) {
      batch.push(unspooled(JSON.parse(line) as SpooledProduct));
      if (batch.length === BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Removes the file, whatever became of the upload. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }

  private async close(): Promise<void> {
    if (this.file.closed) return;
    if (!this.file.writableEnded) this.file.end();
    await once(this.file, 'close');
  }
}

function spooled(product: ParsedProduct): SpooledProduct {
  return [
    product.rowNumber,
    product.lineNumber,
    product.serialNumber,
    product.productName,
    product.inputImageUrls,
  ];
}

function unspooled([
  rowNumber,
  lineNumber,
  serialNumber,
  productName,
  inputImageUrls,
]: SpooledProduct): ParsedProduct {
  return {
    rowNumber,
    lineNumber,
    serialNumber,
    productName,
    inputImageUrls,
    imageUrls: splitUrlList(inputImageUrls),
  };
}
