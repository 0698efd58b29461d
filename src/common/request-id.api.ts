import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiParam } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';
import { MALFORMED_REQUEST_ID_EXAMPLE } from './request-id.pipe';

/** The request id the API documentation shows in paths, URLs and messages. */
export const EXAMPLE_REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';

/** The answer to an unknown request id, for the API documentation. */
export const UNKNOWN_REQUEST_ID_EXAMPLE = {
  statusCode: 404,
  error: 'Not Found',
  message: `No request with id ${EXAMPLE_REQUEST_ID}`,
};

/** The `requestId` path parameter, as every route under a request documents it. */
export const ApiRequestIdParam = (): MethodDecorator =>
  ApiParam({
    name: 'requestId',
    format: 'uuid',
    description: 'The `request_id` returned by `POST /upload`.',
    example: EXAMPLE_REQUEST_ID,
  });

interface NotFoundAnswer {
  description: string;
  example: object;
}

/**
 * The `requestId` path parameter with its two error answers: 400 for a malformed id, and 404
 * (by default "Unknown request id.") for one that names nothing.
 */
export const ApiRequestId = (
  notFound: NotFoundAnswer = {
    description: 'Unknown request id.',
    example: UNKNOWN_REQUEST_ID_EXAMPLE,
  },
): MethodDecorator =>
  applyDecorators(
    ApiRequestIdParam(),
    ApiBadRequestResponse({
      type: ErrorResponseDto,
      description: 'Malformed request id.',
      example: MALFORMED_REQUEST_ID_EXAMPLE,
    }),
    ApiNotFoundResponse({ type: ErrorResponseDto, ...notFound }),
  );
