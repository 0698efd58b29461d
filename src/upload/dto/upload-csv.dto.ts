import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUrl, MaxLength } from 'class-validator';
import { RequestStatus } from '../../requests/request-status';

const webhookUrlRule = IsUrl(
  { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
  { message: 'webhook_url must be an http:// or https:// URL' },
);

const WEBHOOK_URL_DESCRIPTION =
  'Called with a POST of the final status once every image has been processed.';

/** Multipart body of `POST /upload`. */
export class UploadCsvBodyDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'CSV with the header `S. No.,Product Name,Input Image Urls`.',
  })
  file!: unknown;

  @ApiPropertyOptional({
    description: WEBHOOK_URL_DESCRIPTION,
    example: 'https://example.com/hooks/images',
  })
  @IsOptional()
  @webhookUrlRule
  @MaxLength(2048)
  webhook_url?: string;
}

/** `webhook_url` may also come as a query parameter, as the reference service's clients send it. */
export class UploadCsvQueryDto {
  @ApiPropertyOptional({ description: WEBHOOK_URL_DESCRIPTION })
  @IsOptional()
  @webhookUrlRule
  @MaxLength(2048)
  webhook_url?: string;
}

export class UploadAcceptedDto {
  @ApiProperty({ format: 'uuid', example: '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a' })
  request_id!: string;

  @ApiProperty({ enum: RequestStatus, example: RequestStatus.Pending })
  status!: RequestStatus;

  @ApiProperty({ example: 'http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a' })
  status_url!: string;
}

export class CsvProblemDto {
  @ApiProperty({ example: 3, description: '1-based line of the file; line 1 is the header.' })
  line!: number;

  @ApiProperty({ example: 'Input Image Urls', nullable: true, type: String })
  column!: string | null;

  @ApiProperty({ example: 'URL 2 "ftp://example.com/a.jpg" must start with http:// or https://' })
  message!: string;
}

export class CsvValidationErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'The CSV file is not valid' })
  message!: string;

  @ApiProperty({ type: [CsvProblemDto] })
  errors!: CsvProblemDto[];
}
