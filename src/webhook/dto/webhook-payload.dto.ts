import { ApiProperty, ApiSchema, getSchemaPath, PathItemObject } from '@nestjs/swagger';
import { RequestStatus } from '../../requests/request-status';
import { WebhookPayload } from '../webhook-payload';

type WebhookData = WebhookPayload['data'];
type WebhookProduct = WebhookData['products'][number];

/**
 * Documentation twin of `WebhookPayload`, for the OpenAPI `webhooks` section. `implements`
 * makes the compiler fail when the payload gains or changes a field that is not described here.
 */
@ApiSchema({ name: 'WebhookProduct' })
export class WebhookVariantCountsDto {
  @ApiProperty({ example: 4 })
  total!: number;

  @ApiProperty({ example: 3 })
  kept!: number;

  @ApiProperty({ example: 1 })
  dropped!: number;
}

export class WebhookProductDto implements WebhookProduct {
  @ApiProperty({ example: '1' })
  serial_number!: string;

  @ApiProperty({ example: 'SKU1' })
  product_name!: string;

  @ApiProperty({
    type: [String],
    example: ['https://images.example.com/a.jpg', 'https://images.example.com/b.jpg'],
  })
  input_image_urls!: string[];

  @ApiProperty({
    type: 'array',
    items: { type: 'string', nullable: true },
    description: 'In input order; null where that image failed.',
    example: ['http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg', null],
  })
  output_image_urls!: (string | null)[];
}

@ApiSchema({ name: 'WebhookData' })
export class WebhookDataDto implements WebhookData {
  @ApiProperty({ format: 'uuid', example: '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a' })
  request_id!: string;

  @ApiProperty({
    enum: [RequestStatus.Completed, RequestStatus.Failed, RequestStatus.Cancelled],
    enumName: 'WebhookRequestStatus',
    example: RequestStatus.Completed,
    description:
      '`Failed` only when every image failed; `Cancelled` when the request was cancelled ' +
      'before its every image was processed.',
  })
  status!: RequestStatus;

  @ApiProperty({ example: 2 })
  total_images!: number;

  @ApiProperty({ example: 2, description: 'Images finished, compressed or failed.' })
  processed_images!: number;

  @ApiProperty({ example: 1 })
  failed_images!: number;

  @ApiProperty({ example: 0, description: 'Images never processed: the request was cancelled.' })
  cancelled_images!: number;

  @ApiProperty({
    example: 0,
    description: 'How many times the failed and cancelled images were tried again.',
  })
  retries!: number;

  @ApiProperty({
    type: WebhookVariantCountsDto,
    nullable: true,
    example: { total: 4, kept: 3, dropped: 1 },
    description:
      'The WebP and AVIF variants owed (one per compressed image and asked format), kept and ' +
      'dropped; null when the request asked for none. The status says why each was dropped.',
  })
  variants!: WebhookVariantCountsDto | null;

  @ApiProperty({
    example: 'http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/output.csv',
  })
  output_csv_url!: string;

  @ApiProperty({ example: 'http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a' })
  status_url!: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-25T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2025-11-25T10:00:12.000Z',
  })
  completed_at!: string | null;

  @ApiProperty({
    example: 2,
    description: 'Products in the request.',
  })
  product_count!: number;

  @ApiProperty({
    type: [WebhookProductDto],
    description:
      'Every product, in CSV order, when the request has at most `WEBHOOK_MAX_PRODUCTS` ' +
      '(default 1000) products; empty for a larger request, whose results are in the output CSV.',
  })
  products!: WebhookProductDto[];
}

@ApiSchema({
  name: 'WebhookPayload',
  description:
    'The JSON body POSTed to `webhook_url` once every image of a request has been processed, ' +
    'or once a cancelled request has stopped (`image_processing.cancelled`); again each time ' +
    'a retried request finishes. ' +
    'Sent with the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and, when the ' +
    'service has a `WEBHOOK_SECRET`, `webhook-signature`.',
})
export class WebhookPayloadDto implements WebhookPayload {
  @ApiProperty({
    enum: ['image_processing.completed', 'image_processing.failed', 'image_processing.cancelled'],
    enumName: 'WebhookEventType',
    example: 'image_processing.completed',
  })
  type!: WebhookPayload['type'];

  @ApiProperty({
    format: 'date-time',
    example: '2025-11-25T10:00:12.345Z',
    description: 'When this payload was built.',
  })
  timestamp!: string;

  @ApiProperty({ type: WebhookDataDto })
  data!: WebhookDataDto;
}

/** The `webhooks` entry of the OpenAPI document (3.1): what a `webhook_url` receives. */
export const WEBHOOK_PATH_ITEM: PathItemObject = {
  post: {
    operationId: 'imageProcessingFinished',
    // The receiver authenticates the service by the signature, not by an API key.
    security: [],
    summary: 'Sent to `webhook_url` once every image of a request has been processed',
    description:
      'One delivery per request, signed per [Standard Webhooks](https://www.standardwebhooks.com/). ' +
      'Any 2xx answer ends it. Network errors, timeouts, 408, 429 and 5xx are retried on the ' +
      'Standard Webhooks schedule (after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; ' +
      '`WEBHOOK_RETRY_DELAYS_MS`), or later when the receiver sends `Retry-After`; other ' +
      'answers, redirects included, are final. Every attempt carries the same `webhook-id`, so ' +
      'a receiver can drop duplicates; the end of a retry is a new message, with a new ' +
      '`webhook-id`.\n\n' +
      'To verify: compute HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${raw body}` ' +
      'with the key `base64decode(secret without its whsec_ prefix)`, base64-encode it and ' +
      'compare it, in constant time, with each space-separated `v1,<signature>` of ' +
      '`webhook-signature`; reject timestamps more than a few minutes from now.',
    parameters: [
      {
        name: 'webhook-id',
        in: 'header',
        required: true,
        description:
          'Unique per request (and per retry of the request) and the same on every attempt.',
        schema: { type: 'string', example: 'msg_3f1c2a9e5b7d4c1e9a420d6b8f1e2c3a' },
      },
      {
        name: 'webhook-timestamp',
        in: 'header',
        required: true,
        description: 'Unix time, in seconds, when this attempt was signed.',
        schema: { type: 'string', pattern: '^[0-9]+$', example: '1764064812' },
      },
      {
        name: 'webhook-signature',
        in: 'header',
        required: false,
        description:
          'Sent when the service has a `WEBHOOK_SECRET` (`whsec_<base64 key>`): `v1,` then the ' +
          'base64 HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${raw body}`.',
        schema: {
          type: 'string',
          pattern: '^v1,[A-Za-z0-9+/]+={0,2}$',
          example: 'v1,Ir8nZp7iVbLk3Zhx7Zq8hVqYw6b0dQm3z0kq1cFv2Yk=',
        },
      },
    ],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { $ref: getSchemaPath(WebhookPayloadDto) } } },
    },
    responses: {
      '2XX': { description: 'Received; the delivery is done.' },
      '4XX': { description: 'Refused for good, except 408 and 429, which are retried.' },
      '5XX': { description: 'Retried later (`Retry-After` is honoured).' },
    },
  },
};
