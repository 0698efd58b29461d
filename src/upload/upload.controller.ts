import { Controller, HttpCode, HttpStatus, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiKeyOwner } from '../auth/api-key-owner.decorator';
import { UploadThrottlerGuard } from '../auth/upload-throttler.guard';
import { ROUTES } from '../links/routes';
import { API_KEY_REQUIRED_RESPONSE, ErrorResponseDto } from '../common/error-response.dto';
import {
  CsvValidationErrorDto,
  UploadAcceptedDto,
  UploadCsvBodyDto,
  UploadCsvQueryDto,
} from './dto/upload-csv.dto';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENT_REPLAYED_HEADER,
  INVALID_IDEMPOTENCY_KEY,
} from './idempotency-key-header';
import { KEY_IN_PROGRESS, KEY_REUSED, UploadService } from './upload.service';
import { WEBHOOK_URL_RULE } from './webhook-url.rule';

const badRequestExamples = {
  invalidCsv: {
    summary: 'The CSV is not valid (every problem, with its line)',
    value: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'The CSV file is not valid',
      errors: [
        { line: 3, column: 'Product Name', message: 'Product name is missing' },
        {
          line: 4,
          column: 'Input Image Urls',
          message: 'URL 2 "ftp://example.com/a.jpg" must start with http:// or https://',
        },
      ],
    },
  },
  missingFile: {
    summary: 'No file in the form field `file`',
    value: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'Send the CSV as the multipart form field "file"',
    },
  },
  wrongField: {
    summary: 'The file is in another form field',
    value: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'Send the CSV in the form field "file", not "csv"',
    },
  },
  invalidWebhookUrl: {
    summary: '`webhook_url` is not an http(s) URL',
    value: {
      statusCode: 400,
      error: 'Bad Request',
      message: WEBHOOK_URL_RULE,
    },
  },
  invalidIdempotencyKey: {
    summary: `The \`${IDEMPOTENCY_KEY_HEADER}\` header is not a valid key`,
    value: { statusCode: 400, error: 'Bad Request', message: INVALID_IDEMPOTENCY_KEY },
  },
};

const IDEMPOTENCY_KEY_DESCRIPTION =
  'Makes the upload safe to retry, as the IETF httpapi Idempotency-Key draft describes: a ' +
  `Structured Field String of 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, ` +
  'such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"` (the quotes may be left out); a new UUID ' +
  'per upload is best. Keys belong to the API key that sends them. For ' +
  '`IDEMPOTENCY_KEY_TTL_HOURS` (24 by default) after an upload with a key is stored, a retry ' +
  'with the same key, the same file, `webhook_url`, `refresh` and `variants` answers `202` with the request ' +
  `that upload created and \`${IDEMPOTENT_REPLAYED_HEADER}: true\`, creating nothing; the same ` +
  'key with another file, `webhook_url`, `refresh` or `variants` answers `422`; while the first upload with the key ' +
  'is still being received or stored, `409`. An upload that fails (`400`, `413`...) leaves ' +
  'its key free.';

@ApiTags('upload')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@ApiExtraModels(CsvValidationErrorDto, ErrorResponseDto)
@Controller(ROUTES.upload)
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(UploadThrottlerGuard)
  @ApiOperation({
    operationId: 'uploadCsv',
    summary: 'Upload a CSV of products and image URLs',
    description:
      'Validates the whole file and answers at once with a request id; images are fetched and ' +
      'compressed in the background. `webhook_url` may be sent as a form field or a query parameter.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadCsvBodyDto })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: IDEMPOTENCY_KEY_DESCRIPTION,
    schema: { type: 'string', example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"' },
  })
  @ApiAcceptedResponse({
    type: UploadAcceptedDto,
    description:
      'Accepted for processing; poll `status_url` or wait for the webhook. The answer to a ' +
      `retry with an \`${IDEMPOTENCY_KEY_HEADER}\` already used gives the request that the ` +
      'first upload created, with its status now.',
    headers: {
      Location: {
        description: 'The same URL as `status_url`.',
        schema: {
          type: 'string',
          format: 'uri',
          example: 'http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
        },
      },
      [IDEMPOTENT_REPLAYED_HEADER]: {
        description:
          `\`true\` when the request was created by an earlier upload with the same ` +
          `\`${IDEMPOTENCY_KEY_HEADER}\`; absent otherwise.`,
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiBadRequestResponse({
    description:
      'The CSV is not valid (`CsvValidationErrorDto`, every problem listed with its line), or ' +
      'the form is wrong: no `file`, another file field, or an invalid `webhook_url` ' +
      `(\`ErrorResponseDto\`), or the \`${IDEMPOTENCY_KEY_HEADER}\` header is not a valid key.`,
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(CsvValidationErrorDto) },
            { $ref: getSchemaPath(ErrorResponseDto) },
          ],
        },
        examples: badRequestExamples,
      },
    },
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: `An upload with the same \`${IDEMPOTENCY_KEY_HEADER}\` is still under way.`,
    example: { statusCode: 409, error: 'Conflict', message: KEY_IN_PROGRESS },
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description:
      `The \`${IDEMPOTENCY_KEY_HEADER}\` was used for an upload with another file, ` +
      '`webhook_url`, `refresh` or `variants`.',
    example: { statusCode: 422, error: 'Unprocessable Entity', message: KEY_REUSED },
  })
  @ApiPayloadTooLargeResponse({
    type: ErrorResponseDto,
    description:
      'The file is larger than `UPLOAD_MAX_BYTES`; `max_bytes` gives that limit exactly, the ' +
      'message in binary units.',
    example: {
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'The file is larger than 256 MiB, the most one upload may be',
      max_bytes: 268435456,
    },
  })
  @ApiTooManyRequestsResponse({
    description:
      'More than `UPLOAD_RATE_LIMIT` uploads in `UPLOAD_RATE_WINDOW_MS` from this API key (or, ' +
      'without API keys, from this address).',
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before the next upload.',
        schema: { type: 'integer', example: 42 },
      },
    },
    type: ErrorResponseDto,
    example: {
      statusCode: 429,
      error: 'Too Many Requests',
      message:
        'Too many uploads: at most 60 every 60 s from one API key or address; try again after ' +
        'the Retry-After header’s seconds',
    },
  })
  async upload(
    @Req() request: Request,
    @Query() query: UploadCsvQueryDto,
    @Res({ passthrough: true }) response: Response,
    @ApiKeyOwner() owner: string | null,
  ): Promise<UploadAcceptedDto> {
    const { answer, replayed } = await this.uploads.accept(request, {
      webhookUrl: query.webhook_url,
      owner,
    });
    response.location(answer.status_url);
    if (replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    this.uploads.confirmOnceSent(response, answer.request_id);
    return answer;
  }
}
