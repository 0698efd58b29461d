import { ApiProperty, ApiPropertyOptional, ApiResponseNoStatusOptions } from '@nestjs/swagger';

/** One problem of a request: a field, or a line and column of the uploaded CSV. */
export class ErrorDetailDto {
  @ApiPropertyOptional({ example: 'limit', description: 'The parameter or form field at fault.' })
  field?: string;

  @ApiPropertyOptional({
    example: 3,
    description: '1-based line of the CSV; line 1 is the header.',
  })
  line?: number;

  @ApiPropertyOptional({
    example: 'Input Image Urls',
    nullable: true,
    type: String,
    description: 'Header name of the CSV column at fault; null when the whole row or file is.',
  })
  column?: string | null;

  @ApiProperty({ example: 'limit must be a whole number from 1 to 1000' })
  message!: string;
}

/** The body of every error answer. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({
    example: 'No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
    description: 'What went wrong, in words for a person.',
  })
  message!: string;

  @ApiPropertyOptional({
    type: [ErrorDetailDto],
    description: 'Every problem, when there are several: one per field, or per CSV line.',
  })
  errors?: ErrorDetailDto[];

  @ApiPropertyOptional({
    example: 268435456,
    description: 'The limit that was exceeded, in bytes, when a file was too large (413).',
  })
  max_bytes?: number;
}

/** The 401 of every endpoint that needs an API key when the service has `API_KEYS`. */
export const API_KEY_REQUIRED_RESPONSE: ApiResponseNoStatusOptions = {
  type: ErrorResponseDto,
  description:
    'The service has `API_KEYS` and the request has no valid key (`Authorization: Bearer <key>` ' +
    'or `X-API-Key: <key>`). A request id uploaded with another key answers 404 instead.',
  headers: { 'WWW-Authenticate': { schema: { type: 'string', example: 'Bearer' } } },
  example: {
    statusCode: 401,
    error: 'Unauthorized',
    message:
      'A valid API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"',
  },
};
