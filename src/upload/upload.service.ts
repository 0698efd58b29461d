import { BadRequestException, Injectable, Logger, PayloadTooLargeException } from '@nestjs/common';
import { isURL, maxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CsvConfig } from '../config/config';
import { CsvReadResult, readProductsCsv } from '../csv/products-csv.reader';
import { DispatchLoop } from '../dispatch/dispatch-loop';
import { PublicLinks } from '../links/public-links';
import { RequestStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { UploadAcceptedDto, WEBHOOK_URL_MAX_LENGTH } from './dto/upload-csv.dto';
import { MultipartUploadError, readMultipartUpload } from './multipart-upload';
import { ProductSpool } from './product-spool';

export interface UploadOptions {
  /** `webhook_url` given as a query parameter; a form field of that name wins. */
  webhookUrl: string | undefined;
  owner: string | null;
}

/**
 * Accepts an upload: the CSV is read and validated as it arrives, into a spool file, and only a
 * valid file is stored, with all its products and images in one transaction. The request exists
 * whole or not at all; its images are queued later, by the dispatcher, from the database.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    private readonly csv: CsvConfig,
    private readonly requests: RequestsRepository,
    private readonly dispatch: DispatchLoop,
    private readonly links: PublicLinks,
  ) {}

  async accept(request: IncomingMessage, options: UploadOptions): Promise<UploadAcceptedDto> {
    const spool = new ProductSpool();
    try {
      const upload = await this.read(request, spool);
      const webhookUrl = checkWebhookUrl(upload.fields.webhook_url ?? options.webhookUrl);
      if (upload.file.problems.length > 0) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'The CSV file is not valid',
          errors: upload.file.problems,
        });
      }
      const requestId = randomUUID();
      this.logger.debug(
        `Storing request ${requestId}: ${upload.file.products} products, ${upload.file.images} images`,
      );
      await this.requests.createRequest(
        { requestId, webhookUrl, owner: options.owner, totalImages: upload.file.images },
        spool.batches(),
      );
      this.dispatch.kick();
      return {
        request_id: requestId,
        status: RequestStatus.Pending,
        status_url: this.links.status(requestId),
      };
    } finally {
      await spool.discard();
    }
  }

  private async read(request: IncomingMessage, spool: ProductSpool) {
    try {
      return await readMultipartUpload<CsvReadResult>(request, this.csv.maxUploadBytes, (file) =>
        readProductsCsv(file, this.csv, (products) => spool.write(products)),
      );
    } catch (error) {
      if (!(error instanceof MultipartUploadError)) throw error;
      throw error.tooLarge
        ? new PayloadTooLargeException(error.message)
        : new BadRequestException(error.message);
    }
  }
}

/** An empty field (as Swagger UI and `curl -F webhook_url=` send it) means no webhook. */
function checkWebhookUrl(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const valid =
    isURL(value, { protocols: ['http', 'https'], require_protocol: true, require_tld: false }) &&
    maxLength(value, WEBHOOK_URL_MAX_LENGTH);
  if (!valid) {
    throw new BadRequestException(
      `webhook_url must be an http:// or https:// URL of at most ${WEBHOOK_URL_MAX_LENGTH} characters`,
    );
  }
  return value;
}
