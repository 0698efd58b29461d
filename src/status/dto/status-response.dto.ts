import { ApiProperty } from '@nestjs/swagger';
import {
  ImageStatus,
  RequestStatus,
  ReuseReason,
  VariantDropReason,
  VariantStatus,
  WebhookStatus,
} from '../../requests/request-status';
import { VARIANT_FORMATS, VariantFormat } from '../../common/variant-formats';

export class VariantResultDto {
  @ApiProperty({ enum: VARIANT_FORMATS, example: 'avif' })
  format!: VariantFormat;

  @ApiProperty({
    enum: VariantStatus,
    example: VariantStatus.Kept,
    description: '`Pending` until encoded; `Kept` when stored; `Dropped` with a `reason`.',
  })
  status!: VariantStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    example: 'http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.avif',
    description:
      'Where the variant is downloaded, beside the same-format output; null unless kept.',
  })
  url!: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 30112,
    description: "The variant's size; for a `not-smaller` one, the size it would have had.",
  })
  bytes!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 58,
    description: "The encoder quality (1–100) chosen to reach the same-format output's score.",
  })
  quality!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    example: 0.9731,
    description:
      "Its score against the source, taken as the same-format output's is: at least that " +
      "output's score when kept.",
  })
  score!: number | null;

  @ApiProperty({
    enum: VariantDropReason,
    nullable: true,
    example: null,
    description:
      'Why it was dropped: `not-smaller` (not smaller than the same-format output at its ' +
      'score), `below-score` (no quality reached that score), `too-large` (AVIF above ' +
      '`AVIF_MAX_MEGAPIXELS`), `animated` (animations get no variant), `same-format`, ' +
      '`not-scored` (too small to score), `cancelled`, or `failed`.',
  })
  reason!: VariantDropReason | null;
}

export class VariantCountsDto {
  @ApiProperty({ enum: VARIANT_FORMATS, isArray: true, example: ['webp', 'avif'] })
  formats!: VariantFormat[];

  @ApiProperty({
    example: 8,
    description: 'Variants owed so far: one per compressed image and format.',
  })
  total!: number;

  @ApiProperty({ example: 8, description: 'Of those, kept or dropped.' })
  processed!: number;

  @ApiProperty({
    example: 5,
    description: 'Kept: smaller than the same-format output at its score.',
  })
  kept!: number;

  @ApiProperty({ example: 3, description: 'Dropped, each with a reason in its image.' })
  dropped!: number;
}

export class ProgressDto {
  @ApiProperty({ example: 6, description: 'Images in the request.' })
  total!: number;

  @ApiProperty({ example: 4, description: 'Images finished: compressed, failed or cancelled.' })
  processed!: number;

  @ApiProperty({ example: 3 })
  succeeded!: number;

  @ApiProperty({ example: 1 })
  failed!: number;

  @ApiProperty({ example: 0, description: 'Images never processed: the request was cancelled.' })
  cancelled!: number;

  @ApiProperty({ example: 2 })
  pending!: number;

  @ApiProperty({
    example: 1,
    description:
      'Succeeded images whose result was copied from an earlier request of the same owner ' +
      'instead of being encoded again.',
  })
  reused!: number;

  @ApiProperty({ example: 66.7, description: 'processed / total, in percent.' })
  percent!: number;
}

export class QualityScoresDto {
  @ApiProperty({ example: 3, description: 'Images with a score.' })
  scored!: number;

  @ApiProperty({ example: 0.9654, description: 'Mean score of those images, in four decimals.' })
  mean!: number;

  @ApiProperty({ example: 0.9411, description: 'The lowest score among them.' })
  min!: number;
}

export class ImageSlotDto {
  @ApiProperty({ example: 1, description: 'Product row, 1-based, in CSV order.' })
  row!: number;

  @ApiProperty({ example: 1, description: 'Position of the URL in its row, 1-based.' })
  position!: number;
}

export class ImageReuseDto {
  @ApiProperty({
    enum: ReuseReason,
    example: ReuseReason.NotModified,
    description:
      '`not-modified`: the URL answered 304 to the validators kept from the earlier request; ' +
      '`same-bytes`: the downloaded bytes were those of a result already stored, whatever its URL.',
  })
  reason!: ReuseReason;

  @ApiProperty({
    example: '0b6f1c2e-8a4d-4f3b-9c57-2e1d0a9b8c7f',
    description: 'The earlier request whose stored result was copied to this image.',
  })
  request_id!: string;
}

export class ImageResultDto {
  @ApiProperty({
    example: 1,
    description: 'Place of the image in the output, 1-based: rows in order, then positions.',
  })
  ordinal!: number;

  @ApiProperty({ example: 1, description: 'Product row, 1-based, in CSV order.' })
  row!: number;

  @ApiProperty({ example: '1' })
  serial_number!: string;

  @ApiProperty({ example: 'SKU1' })
  product_name!: string;

  @ApiProperty({ example: 1, description: 'Position of the URL in its row, 1-based.' })
  position!: number;

  @ApiProperty({ example: 'https://images.example.com/a.jpg' })
  input_url!: string;

  @ApiProperty({ enum: ImageStatus, example: ImageStatus.Completed })
  status!: ImageStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg',
  })
  output_url!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      "Why the image failed; while it is `Pending` and being retried, the last attempt's error.",
  })
  error!: string | null;

  @ApiProperty({ example: 1, description: 'Download attempts made so far.' })
  attempts!: number;

  @ApiProperty({
    type: ImageSlotDto,
    nullable: true,
    example: { row: 1, position: 1 },
    description:
      'The earlier image of this request with the same URL, whose download and result this one ' +
      'reuses; null when this image was fetched itself.',
  })
  reused_from!: ImageSlotDto | null;

  @ApiProperty({
    type: ImageReuseDto,
    nullable: true,
    example: null,
    description:
      "Set when the image's result was copied from an earlier request of the same owner " +
      '(its own URL all the same); null when the image was encoded for this request.',
  })
  reuse!: ImageReuseDto | null;

  @ApiProperty({ type: String, nullable: true, example: 'jpeg' })
  format!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 90 })
  source_quality!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 45 })
  target_quality!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 184233 })
  bytes_in!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 61022 })
  bytes_out!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 1024 })
  width!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 768 })
  height!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why the original bytes were kept, when re-encoding did not make them smaller.',
  })
  skip_reason!: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    example: 0.9712,
    description:
      'How much of the source survives compression: the SSIM of the compressed image against ' +
      'its source, on their luma downscaled alike to at most 1 megapixel (transparency laid on ' +
      'white, an animation by its first frame), in four decimals; 1 is identical. Null when ' +
      'the image failed, the source was kept, or QUALITY_SCORE is off.',
  })
  score!: number | null;

  @ApiProperty({
    type: [VariantResultDto],
    example: [
      {
        format: 'webp',
        status: 'Kept',
        url: 'http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.webp',
        bytes: 41210,
        quality: 71,
        score: 0.9725,
        reason: null,
      },
      {
        format: 'avif',
        status: 'Dropped',
        url: null,
        bytes: 62240,
        quality: 64,
        score: 0.9716,
        reason: 'not-smaller',
      },
    ],
    description:
      'The WebP and AVIF variants its request asked for (`variants`, or `OUTPUT_VARIANTS`), ' +
      'once the image is compressed; empty when none were asked.',
  })
  variants!: VariantResultDto[];
}

export class ImagePageDto {
  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 100 })
  limit!: number;

  @ApiProperty({ example: 6, description: 'Images in the request.' })
  total!: number;

  @ApiProperty({ type: [ImageResultDto] })
  items!: ImageResultDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    example:
      'http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a?after=100&limit=100',
    description:
      'The next page, or null after the last. A page may hold fewer than `limit` images when ' +
      'they would not fit its size budget; follow `next` rather than counting pages.',
  })
  next!: string | null;
}

export class WebhookStateDto {
  @ApiProperty({ example: 'https://example.com/hooks/images' })
  url!: string;

  @ApiProperty({
    enum: WebhookStatus,
    enumName: 'WebhookStatus',
    nullable: true,
    example: WebhookStatus.Delivered,
    description: 'Null until the request finishes; then pending until delivered or failed.',
  })
  status!: WebhookStatus | null;

  @ApiProperty({ example: 1, description: 'Delivery attempts made so far.' })
  attempts!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'What went wrong with the last attempt.',
  })
  last_error!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When the next attempt is due, while the webhook is pending.',
  })
  next_attempt_at!: string | null;
}

/** A request without its images: what a status, a progress event and the request list show. */
export class RequestSummaryDto {
  @ApiProperty({ format: 'uuid', example: '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a' })
  request_id!: string;

  @ApiProperty({ enum: RequestStatus, example: RequestStatus.Processing })
  status!: RequestStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 255,
    example: 'products.csv',
    description:
      'The name of the uploaded file, as the client sent it (without control characters, cut ' +
      'to 255 characters); null when it sent none.',
  })
  file_name!: string | null;

  @ApiProperty({ type: ProgressDto })
  progress!: ProgressDto;

  @ApiProperty({
    example: 0,
    description: 'How many times its failed and cancelled images were tried again.',
  })
  retries!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When it was asked to stop; it ends `Cancelled` once the images in hand are done.',
  })
  cancelled_at!: string | null;

  @ApiProperty({
    type: QualityScoresDto,
    nullable: true,
    example: { scored: 3, mean: 0.9654, min: 0.9411 },
    description: "The images' quality scores so far; null until an image has one.",
  })
  scores!: QualityScoresDto | null;

  @ApiProperty({
    type: VariantCountsDto,
    nullable: true,
    example: { formats: ['webp', 'avif'], total: 8, processed: 8, kept: 5, dropped: 3 },
    description:
      'The variants asked for and how far they are; null when none were asked. The request ' +
      'finishes once every one is kept or dropped.',
  })
  variants!: VariantCountsDto | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where the output CSV can be downloaded, once the request has finished.',
    example: null,
  })
  output_csv_url!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Where the report CSV (one row per image: bytes, qualities, score, result) can be ' +
      'downloaded, once the request has finished.',
    example: null,
  })
  report_csv_url!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  webhook_url!: string | null;

  @ApiProperty({
    type: WebhookStateDto,
    nullable: true,
    description: 'Where the webhook delivery stands; null when the request has no webhook.',
    example: {
      url: 'https://example.com/hooks/images',
      status: 'pending',
      attempts: 2,
      last_error: 'Receiver answered HTTP 503',
      next_attempt_at: '2025-11-25T10:05:12.000Z',
    },
  })
  webhook!: WebhookStateDto | null;

  @ApiProperty({ format: 'date-time', example: '2025-11-25T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-25T10:00:05.000Z' })
  updated_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When it finished (its last image, or its cancellation); null until then.',
  })
  completed_at!: string | null;
}

export class StatusResponseDto extends RequestSummaryDto {
  @ApiProperty({ type: ImagePageDto, description: 'One page of per-image results.' })
  images!: ImagePageDto;
}
