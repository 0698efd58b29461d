import { ApiProperty, ApiResponseNoStatusOptions } from '@nestjs/swagger';

/** The body of every error answer other than CSV validation errors. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
  })
  message!: string | string[];
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
