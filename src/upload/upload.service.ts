import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  PayloadTooLargeException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { CsvConfig, VariantsConfig } from '../config/config';
import {
  parseVariantList,
  VARIANT_LIST_RULE,
  VariantFormat,
  variantListText,
} from '../common/variant-formats';
import { readProductsCsv } from '../csv/products-csv.reader';
import { DispatchLoop } from '../dispatch/dispatch-loop';
import { PublicLinks } from '../links/public-links';
import { KeyInUse } from '../requests/idempotency-keys.repository';
import { RequestStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { UploadAcceptedDto } from './dto/upload-csv.dto';
import { HeldKey, IdempotencyKeyLostError, IdempotencyKeys } from './idempotency-keys';
import {
  IDEMPOTENCY_KEY_HEADER,
  idempotencyKeyOf,
  InvalidIdempotencyKeyError,
} from './idempotency-key-header';
import { MultipartUpload, MultipartUploadError, readMultipartUpload } from './multipart-upload';
import { PayloadFingerprint } from './payload-fingerprint';
import { ProductSpool } from './product-spool';
import { isWebhookUrl, WEBHOOK_URL_RULE } from './webhook-url.rule';

export interface UploadOptions {
  /** `webhook_url` given as a query parameter; a form field of that name wins. */
  webhookUrl: string | undefined;
  owner: string | null;
}

export interface AcceptedUpload {
  answer: UploadAcceptedDto;
  /** True when an idempotency key's earlier upload created the request: nothing new was. */
  replayed: boolean;
}

/** Tries to record a sent answer; a request left unconfirmed is deleted after the grace period. */
const CONFIRM_ATTEMPTS = 5;
const CONFIRM_RETRY_MS = 1000;

export const KEY_IN_PROGRESS =
  `An upload with this ${IDEMPOTENCY_KEY_HEADER} is still being received or stored; ` +
  'retry once it has been answered';
export const KEY_REUSED =
  `This ${IDEMPOTENCY_KEY_HEADER} was used for an upload with another file, webhook_url or refresh; ` +
  'send a new key with a new upload';

/**
 * Accepts an upload: the CSV is read and validated as it arrives, into a spool file, and only a
 * valid file is stored, with all its products and images in one transaction. The request exists
 * whole or not at all; its images are queued later, by the dispatcher, from the database.
 *
 * With an `Idempotency-Key`, a retry of a stored upload (the same key, file and webhook URL)
 * answers with the request it created instead of creating another.
 *
 * A stored request is processed only once its `202` has been handed to the socket: an API that
 * stops between the commit and the answer leaves a request its client never heard of, which
 * the lifecycle sweep deletes unprocessed after `UNCONFIRMED_UPLOAD_GRACE_MS`. A retry with
 * the `Idempotency-Key` meanwhile is answered with that request, and confirms it.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    private readonly csv: CsvConfig,
    private readonly requests: RequestsRepository,
    private readonly keys: IdempotencyKeys,
    private readonly dispatch: DispatchLoop,
    private readonly links: PublicLinks,
    private readonly variants: VariantsConfig,
  ) {}

  async accept(request: IncomingMessage, options: UploadOptions): Promise<AcceptedUpload> {
    const key = readIdempotencyKey(request);
    if (key === null) return { answer: await this.store(request, options, null), replayed: false };
    const claim = await this.keys.claim({ owner: options.owner ?? '', key });
    switch (claim.state) {
      case 'held':
        throw new ConflictException(KEY_IN_PROGRESS);
      case 'used':
        return { answer: await this.replay(request, options, claim), replayed: true };
      case 'ours':
        return { answer: await this.storeHolding(request, options, claim.key), replayed: false };
    }
  }

  /** Stores the upload as its key's; any failure frees the key for the next try. */
  private async storeHolding(
    request: IncomingMessage,
    options: UploadOptions,
    key: HeldKey,
  ): Promise<UploadAcceptedDto> {
    const stopRenewing = key.renewWhileConnected(request);
    try {
      return await this.store(request, options, key);
    } catch (error) {
      await key.release();
      if (error instanceof IdempotencyKeyLostError) throw new ConflictException(KEY_IN_PROGRESS);
      throw error;
    } finally {
      stopRenewing();
    }
  }

  private async store(
    request: IncomingMessage,
    options: UploadOptions,
    key: HeldKey | null,
  ): Promise<UploadAcceptedDto> {
    const spool = new ProductSpool();
    const fingerprint = new PayloadFingerprint();
    try {
      const upload = await this.read(request, (file) =>
        readProductsCsv(key ? fingerprint.watch(file) : file, this.csv, (products) =>
          spool.write(products),
        ),
      );
      const webhookUrl = checkWebhookUrl(upload.fields.webhook_url ?? options.webhookUrl);
      const refresh = checkRefresh(upload.fields.refresh);
      const variants = checkVariants(upload.fields.variants);
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
        {
          requestId,
          webhookUrl,
          owner: options.owner,
          totalImages: upload.file.images,
          fileName: upload.fileName,
          csvDelimiter: upload.file.delimiter,
          refresh,
          variants: variantListText(variants ?? this.variants.defaultFormats),
        },
        spool.batches(),
        key
          ? (manager, requestPk) =>
              key.complete(
                manager,
                requestPk,
                fingerprint.of(webhookUrl, refresh, askedVariants(variants)),
              )
          : undefined,
      );
      return this.answer(requestId, RequestStatus.Pending);
    } finally {
      await spool.discard();
    }
  }

  /**
   * Lets the request be processed once `response`, its `202`, has been handed to the socket;
   * if the connection closes first, the request stays unconfirmed.
   */
  confirmOnceSent(response: ServerResponse, requestId: string): void {
    response.once('finish', () => void this.confirm(requestId));
  }

  private async confirm(requestId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.requests.confirm(requestId)) this.dispatch.kick();
        return;
      } catch (error) {
        if (attempt === CONFIRM_ATTEMPTS) {
          this.logger.error(`Request ${requestId} answered but left unconfirmed: ${String(error)}`);
          return;
        }
        await sleep(CONFIRM_RETRY_MS);
      }
    }
  }

  /**
   * A retry with a key already used: the payload is read for its fingerprint alone and, when it
   * is the same, answered with the request it created, as that request stands now.
   */
  private async replay(
    request: IncomingMessage,
    options: UploadOptions,
    used: Extract<KeyInUse, { state: 'used' }>,
  ): Promise<UploadAcceptedDto> {
    const fingerprint = new PayloadFingerprint();
    const upload = await this.read(request, (file) => fingerprint.drain(file));
    const webhookUrl = upload.fields.webhook_url ?? options.webhookUrl;
    const refresh = checkRefresh(upload.fields.refresh);
    const variants = askedVariants(checkVariants(upload.fields.variants));
    if (fingerprint.of(webhookUrl || null, refresh, variants) !== used.fingerprint) {
      throw new UnprocessableEntityException(KEY_REUSED);
    }
    return this.answer(used.requestId, used.status);
  }

  private answer(requestId: string, status: RequestStatus): UploadAcceptedDto {
    return { request_id: requestId, status, status_url: this.links.status(requestId) };
  }

  private async read<T>(
    request: IncomingMessage,
    readFile: (file: Readable) => Promise<T>,
  ): Promise<MultipartUpload<T>> {
    try {
      return await readMultipartUpload(request, this.csv.maxUploadBytes, readFile);
    } catch (error) {
      if (!(error instanceof MultipartUploadError)) throw error;
      throw error.maxBytes === undefined
        ? new BadRequestException(error.message)
        : new PayloadTooLargeException({ message: error.message, max_bytes: error.maxBytes });
    }
  }
}

function readIdempotencyKey(request: IncomingMessage): string | null {
  try {
    return idempotencyKeyOf(request.rawHeaders);
  } catch (error) {
    if (error instanceof InvalidIdempotencyKeyError) throw new BadRequestException(error.message);
    throw error;
  }
}

/** `refresh=true` processes every image afresh; an empty or missing field means `false`. */
function checkRefresh(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new BadRequestException('refresh must be true or false');
}

/**
 * The variants an upload asks for (`variants=webp,avif`); null when the field is missing or
 * empty, which leaves them to OUTPUT_VARIANTS. `none` asks for none whatever the setting.
 */
function checkVariants(value: string | undefined): VariantFormat[] | null {
  if (value === undefined || value.trim() === '') return null;
  if (value.trim().toLowerCase() === 'none') return [];
  const formats = parseVariantList(value);
  if (formats === null) throw new BadRequestException(`${VARIANT_LIST_RULE} (or none)`);
  return formats;
}

/** The variants as the upload named them, for its fingerprint: '' when it named none. */
function askedVariants(formats: VariantFormat[] | null): string {
  if (formats === null) return '';
  return formats.length === 0 ? 'none' : variantListText(formats);
}

/** An empty field (as Swagger UI and `curl -F webhook_url=` send it) means no webhook. */
function checkWebhookUrl(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (!isWebhookUrl(value)) throw new BadRequestException(WEBHOOK_URL_RULE);
  return value;
}
