import { Transform } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { emptyToUndefined } from '../../common/validation/transforms';
import { RequestStatus } from '../../requests/request-status';
import { IsWebhookUrl, WEBHOOK_URL_MAX_LENGTH } from '../webhook-url.rule';

const WEBHOOK_URL_DESCRIPTION =
  'Called with a POST of the final status once every image has been processed, e.g. ' +
  '`https://example.com/hooks/images`.';

/**
 * Multipart body of `POST /upload`, for the documentation: the body is read as a stream and
 * checked by `UploadService`, not by a validation pipe.
 */
export class UploadCsvBodyDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'UTF-8 CSV with the header `S. No.,Product Name,Input Image Urls`. The third column holds ' +
      'one or more http(s) image URLs separated by commas (quote the cell when there are ' +
      'several). Every problem is reported at once, with its line. Example:\n\n' +
      '```csv\n' +
      'S. No.,Product Name,Input Image Urls\n' +
      '1,SKU1,"https://images.example.com/a.jpg, https://images.example.com/b.jpg"\n' +
      '2,SKU2,https://images.example.com/c.png\n' +
      '```',
  })
  file!: unknown;

  @ApiPropertyOptional({
    description: WEBHOOK_URL_DESCRIPTION,
    format: 'uri',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    example: 'https://example.com/hooks/images',
  })
  webhook_url?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    example: 'false',
    description:
      '`true` downloads and encodes every image afresh, reusing no result of an earlier ' +
      'request (see REUSE_RESULTS).',
  })
  refresh?: 'true' | 'false';

  @ApiPropertyOptional({
    example: 'webp,avif',
    description:
      'Modern formats to offer next to each same-format output: `webp`, `avif` or both, ' +
      'comma-separated; `none` for none. Each variant is encoded at the lowest quality whose ' +
      "score reaches the same-format output's, and kept only when it is smaller. Missing or " +
      'empty: the `OUTPUT_VARIANTS` setting.',
  })
  variants?: string;
}

/** `webhook_url` may also come as a query parameter, as the reference service's clients send it. */
export class UploadCsvQueryDto {
  @ApiPropertyOptional({
    description: `${WEBHOOK_URL_DESCRIPTION} Used when the form has no \`webhook_url\`.`,
    format: 'uri',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsWebhookUrl()
  webhook_url?: string;
}

export class UploadAcceptedDto {
  @ApiProperty({ format: 'uuid', example: '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a' })
  request_id!: string;

  @ApiProperty({ enum: RequestStatus, example: RequestStatus.Pending })
  status!: RequestStatus;

  @ApiProperty({
    format: 'uri',
    example: 'http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
    description: 'Where to follow the request (`GET /status/{requestId}`).',
  })
  status_url!: string;
}

export class CsvProblemDto {
  @ApiProperty({ example: 3, description: '1-based line of the file; line 1 is the header.' })
  line!: number;

  @ApiProperty({
    example: 'Input Image Urls',
    nullable: true,
    type: String,
    description: 'Header name of the column at fault; null when the whole row or file is.',
  })
  column!: string | null;

  @ApiProperty({ example: 'URL 2 "ftp://example.com/a.jpg" must start with http:// or https://' })
  message!: string;
}

@ApiSchema({
  description:
    'Answer to a CSV that is not valid: nothing was stored, and every problem is listed with ' +
    'its line and column so that the whole file can be fixed at once.',
})
export class CsvValidationErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'The CSV file is not valid' })
  message!: string;

  @ApiProperty({
    type: [CsvProblemDto],
    description: 'In file order; after 1000 problems, one last entry says how many more there are.',
  })
  errors!: CsvProblemDto[];
}
