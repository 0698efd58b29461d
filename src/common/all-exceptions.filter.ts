import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { ErrorDetailDto, ErrorResponseDto } from './error-response.dto';

/**
 * Gives every error answer one shape: `statusCode`, `error`, `message` (always one string) and,
 * when there are several problems, `errors`. Anything but an HTTP exception is logged with its
 * stack and answered with a plain 500 that reveals no internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = exception instanceof HttpException ? answerTo(exception) : internalError();
    if (!(exception instanceof HttpException)) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.reply(
      response,
      body,
      exception instanceof HttpException ? exception.getStatus() : 500,
    );
  }
}

/**
 * A structured document thrown as an answer, without a message (the health check's report),
 * is a format of its own that probes read: it goes out as it is.
 */
function answerTo(exception: HttpException): ErrorResponseDto | object {
  const response = exception.getResponse();
  if (typeof response === 'object' && !('message' in response)) return response;
  return errorBody(exception);
}

function internalError(): ErrorResponseDto {
  return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
}

function errorBody(exception: HttpException): ErrorResponseDto {
  const statusCode = exception.getStatus();
  const error = STATUS_CODES[statusCode] ?? 'Error';
  const response = exception.getResponse();
  if (typeof response === 'string') return { statusCode, error, message: response };
  const { message, errors, max_bytes } = response as {
    message?: unknown;
    errors?: unknown;
    max_bytes?: unknown;
  };
  const details = Array.isArray(errors) ? (errors as ErrorDetailDto[]) : undefined;
  const limit = typeof max_bytes === 'number' ? { max_bytes } : {};
  if (Array.isArray(message)) {
    const texts = message.map(String);
    return {
      statusCode,
      error,
      message: texts.length === 1 ? texts[0] : texts.join('; '),
      errors: details ?? texts.map((text) => ({ message: text })),
      ...limit,
    };
  }
  return {
    statusCode,
    error,
    message: typeof message === 'string' ? message : exception.message,
    ...(details ? { errors: details } : {}),
    ...limit,
  };
}
