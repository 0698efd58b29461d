import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

const MALFORMED_REQUEST_ID =
  'The request id must be a UUID such as 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a, as returned by ' +
  'POST /upload';

/** Validates a `requestId` path parameter, answering a malformed one in plain words. */
export const requestIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new BadRequestException(MALFORMED_REQUEST_ID),
});

/** The answer to a malformed request id, for the API documentation. */
export const MALFORMED_REQUEST_ID_EXAMPLE = {
  statusCode: 400,
  error: 'Bad Request',
  message: MALFORMED_REQUEST_ID,
};
