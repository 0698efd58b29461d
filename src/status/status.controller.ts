import { Controller, Get, HttpStatus, Param, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ROUTES } from '../links/routes';
import { OUTPUT_CSV_CONTENT_TYPE } from '../storage/storage-keys';
import { MALFORMED_REQUEST_ID_EXAMPLE, requestIdPipe } from '../common/request-id.pipe';
import { API_KEY_REQUIRED_RESPONSE, ErrorResponseDto } from '../common/error-response.dto';
import { StatusQueryDto } from './dto/status-query.dto';
import { StatusResponseDto } from './dto/status-response.dto';
import { StatusService } from './status.service';

const EXAMPLE_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';
const requestIdParam = ApiParam({
  name: 'requestId',
  format: 'uuid',
  description: 'The `request_id` returned by `POST /upload`.',
  example: EXAMPLE_ID,
});
const malformedId = MALFORMED_REQUEST_ID_EXAMPLE;
const unknownId = {
  statusCode: 404,
  error: 'Not Found',
  message: `No request with id ${EXAMPLE_ID}`,
};

@ApiTags('status')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@Controller(ROUTES.status.controller)
export class StatusController {
  constructor(private readonly statuses: StatusService) {}

  @Get(ROUTES.status.request)
  @ApiOperation({ operationId: 'getStatus', summary: 'Processing status and per-image results' })
  @requestIdParam
  @ApiOkResponse({
    type: StatusResponseDto,
    description: 'The request, its progress and one page of per-image results.',
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Malformed request id, or `page` or `limit` out of range.',
    examples: {
      malformedId: { summary: 'Not a UUID', value: malformedId },
      badPage: {
        summary: '`page` below 1',
        value: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'page must be a whole number of at least 1',
          errors: [{ field: 'page', message: 'page must be a whole number of at least 1' }],
        },
      },
    },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'Unknown request id.',
    example: unknownId,
  })
  status(
    @Param('requestId', requestIdPipe) requestId: string,
    @Query() query: StatusQueryDto,
  ): Promise<StatusResponseDto> {
    return this.statuses.status(requestId, query);
  }

  @Get(ROUTES.status.outputCsv)
  @ApiOperation({
    operationId: 'downloadOutputCsv',
    summary: 'The output CSV: input columns plus `Output Image Urls`',
  })
  @requestIdParam
  @ApiOkResponse({
    description:
      'The output CSV, once the request has finished: the input rows in order, with the ' +
      'compressed image URLs in the same order as the inputs (empty where an image failed).',
    headers: {
      'Content-Disposition': {
        description: 'Saves the file as `<requestId>.csv`.',
        schema: { type: 'string', example: `attachment; filename="${EXAMPLE_ID}.csv"` },
      },
    },
    content: {
      'text/csv': {
        schema: { type: 'string' },
        example:
          'S. No.,Product Name,Input Image Urls,Output Image Urls\r\n' +
          '1,SKU1,"https://images.example.com/a.jpg, https://images.example.com/b.jpg",' +
          `"http://localhost:3000/images/${EXAMPLE_ID}/1-1.jpg, "\r\n`,
      },
    },
  })
  @ApiFoundResponse({
    description:
      'With `IMAGE_DELIVERY=redirect`: the CSV is downloaded from the bucket, at a presigned ' +
      'URL that expires after `IMAGE_URL_TTL_SECONDS`.',
    headers: {
      Location: {
        description: 'The presigned URL of the CSV.',
        schema: {
          type: 'string',
          format: 'uri',
          example:
            `https://images.s3.eu-west-1.amazonaws.com/${EXAMPLE_ID}/output.csv` +
            '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-SignedHeaders=host' +
            '&X-Amz-Signature=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        },
      },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Malformed request id.',
    example: malformedId,
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'Unknown request id.',
    example: unknownId,
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The request is still `Pending` or `Processing`; try again after it finishes.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: `Request ${EXAMPLE_ID} is Processing; the output CSV is ready once it has finished`,
    },
  })
  async outputCsv(
    @Param('requestId', requestIdPipe) requestId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | undefined> {
    const disposition = `attachment; filename="${requestId}.csv"`;
    const download = await this.statuses.outputCsv(requestId, disposition);
    if (download.kind === 'redirect') {
      response.status(HttpStatus.FOUND).setHeader('Location', download.url);
      return undefined;
    }
    return new StreamableFile(download.stream, {
      type: OUTPUT_CSV_CONTENT_TYPE,
      length: download.size,
      disposition,
    });
  }
}
