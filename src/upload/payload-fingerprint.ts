import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * What makes two uploads the same payload for an idempotency key: the SHA-256 of the file's
 * bytes, taken as they stream past (the file is never held whole), the webhook URL and whether
 * it asked to `refresh`, and the `variants` it named.
 */
export class PayloadFingerprint {
  private readonly file = createHash('sha256');

  /** The file as it arrives, hashed on its way through. */
  watch(file: Readable): Readable {
    return Readable.from(this.hashed(file), { objectMode: false });
  }

  /** Reads the whole file for its hash alone; returns that hash. */
  async drain(file: Readable): Promise<string> {
    for await (const chunk of file as AsyncIterable<Buffer>) this.file.update(chunk);
    return this.file.copy().digest('hex');
  }

  /**
   * The fingerprint, once the whole file has been read: SHA-256 (hex) of its hash, URL,
   * `refresh` and `variants` (each added only when set, so that a key stored before that field
   * existed still matches).
   */
  of(webhookUrl: string | null, refresh = false, variants = ''): string {
    const options = `${refresh ? '\nrefresh' : ''}${variants ? `\nvariants=${variants}` : ''}`;
    return createHash('sha256')
      .update(`${this.file.copy().digest('hex')}\n${webhookUrl ?? ''}${options}`)
      .digest('hex');
  }

  private async *hashed(file: Readable): AsyncGenerator<Buffer> {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      this.file.update(chunk);
      yield chunk;
    }
  }
}
