import {
  Controller,
  Get,
  MessageEvent,
  Param,
  Query,
  Res,
  Sse,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ROUTES } from '../links/routes';
import { REPORT_CSV_COLUMNS } from '../csv/report-csv.writer';
import { RequestStatus, WebhookStatus } from '../requests/request-status';
import { answerDownload } from '../storage/object-downloads';
import { OUTPUT_CSV_CONTENT_TYPE } from '../storage/storage-keys';
import {
  ApiRequestId,
  ApiRequestIdParam,
  EXAMPLE_REQUEST_ID,
  UNKNOWN_REQUEST_ID_EXAMPLE,
} from '../common/request-id.api';
import { MALFORMED_REQUEST_ID_EXAMPLE, requestIdPipe } from '../common/request-id.pipe';
import { API_KEY_REQUIRED_RESPONSE, ErrorResponseDto } from '../common/error-response.dto';
import { Observable } from 'rxjs';
import { StatusQueryDto } from './dto/status-query.dto';
import { RequestSummaryDto, StatusResponseDto } from './dto/status-response.dto';
import {
  EVENTS_KEEP_ALIVE_MS,
  EVENTS_POLL_INTERVAL_MS,
  EVENTS_RETRY_MS,
  FINISHED_EVENT,
  PROGRESS_EVENT,
  StatusEventsService,
} from './status-events.service';
import { StatusService } from './status.service';

const EXAMPLE_ID = EXAMPLE_REQUEST_ID;
const malformedId = MALFORMED_REQUEST_ID_EXAMPLE;
const unknownId = UNKNOWN_REQUEST_ID_EXAMPLE;

/** The path of the progress events, under the status controller. */
const EVENTS_ROUTE = ':requestId/events';

const errorSchema = { $ref: getSchemaPath(ErrorResponseDto) };

const summaryExample = (
  status: RequestStatus,
  processed: number,
  failed: number,
  finishedAt: string | null,
): RequestSummaryDto => ({
  request_id: EXAMPLE_ID,
  status,
  file_name: 'products.csv',
  progress: {
    total: 4,
    processed,
    succeeded: processed - failed,
    failed,
    cancelled: 0,
    pending: 4 - processed,
    reused: 0,
    percent: processed * 25,
  },
  retries: 0,
  cancelled_at: null,
  scores: processed - failed > 0 ? { scored: processed - failed, mean: 0.9654, min: 0.9411 } : null,
  variants: null,
  output_csv_url: finishedAt ? `http://localhost:3000/status/${EXAMPLE_ID}/output.csv` : null,
  report_csv_url: finishedAt ? `http://localhost:3000/status/${EXAMPLE_ID}/report.csv` : null,
  webhook_url: 'https://example.com/hooks/images',
  webhook: {
    url: 'https://example.com/hooks/images',
    status: finishedAt ? WebhookStatus.Pending : null,
    attempts: 0,
    last_error: null,
    next_attempt_at: null,
  },
  created_at: '2025-11-25T10:00:00.000Z',
  updated_at: finishedAt ?? '2025-11-25T10:00:02.000Z',
  completed_at: finishedAt,
});

const sseEvent = (type: string, summary: RequestSummaryDto, retry?: number): string =>
  `event: ${type}\nid: ${summary.progress.processed}\n` +
  (retry ? `retry: ${retry}\n` : '') +
  `data: ${JSON.stringify(summary)}\n\n`;

const EVENT_STREAM_EXAMPLE =
  sseEvent(PROGRESS_EVENT, summaryExample(RequestStatus.Processing, 1, 0, null), EVENTS_RETRY_MS) +
  ': keep-alive\n\n' +
  sseEvent(PROGRESS_EVENT, summaryExample(RequestStatus.Processing, 3, 1, null)) +
  sseEvent(
    FINISHED_EVENT,
    summaryExample(RequestStatus.Completed, 4, 1, '2025-11-25T10:00:05.000Z'),
  );

@ApiTags('status')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@Controller(ROUTES.status.controller)
export class StatusController {
  constructor(
    private readonly statuses: StatusService,
    private readonly progressEvents: StatusEventsService,
  ) {}

  @Get(ROUTES.status.request)
  @ApiOperation({ operationId: 'getStatus', summary: 'Processing status and per-image results' })
  @ApiRequestIdParam()
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

  @Sse(EVENTS_ROUTE)
  @ApiOperation({
    operationId: 'streamStatusEvents',
    summary: 'Progress as Server-Sent Events, until the request finishes',
    description:
      "A `text/event-stream` for `EventSource` or any SSE client. Each event's `data` is a " +
      '`RequestSummaryDto` (the status without its image list), as JSON:\n\n' +
      `- \`${PROGRESS_EVENT}\`: sent at once, then whenever the status, counters or webhook ` +
      `state change (read every ${EVENTS_POLL_INTERVAL_MS} ms).\n` +
      `- \`${FINISHED_EVENT}\`: the final summary, once the request is \`Completed\` or ` +
      '`Failed`; the server then ends the stream. Close the `EventSource` on this event, or it ' +
      'reconnects and is sent the final summary again.\n\n' +
      "Each event's `id` is the number of images processed so far; the first one carries " +
      `\`retry: ${EVENTS_RETRY_MS}\`. A comment (\`: keep-alive\`) comes every ` +
      `${EVENTS_KEEP_ALIVE_MS / 1000} s so that proxies keep a quiet stream open. An ` +
      '`EventSource` cannot send headers: when the service has `API_KEYS`, read the stream ' +
      'with `fetch()` and the key in a header instead.',
  })
  @ApiRequestIdParam()
  @ApiExtraModels(RequestSummaryDto)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      '`progress` events while the request runs, one `finished` event, then the end of the ' +
      'stream. The `data` of each is a `RequestSummaryDto`.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: EVENT_STREAM_EXAMPLE,
      },
    },
  })
  @ApiBadRequestResponse({
    description: 'Malformed request id; answered before any event, as JSON.',
    content: { 'application/json': { schema: errorSchema, example: malformedId } },
  })
  @ApiNotFoundResponse({
    description: 'Unknown request id; answered before any event, as JSON.',
    content: { 'application/json': { schema: errorSchema, example: unknownId } },
  })
  events(@Param('requestId', requestIdPipe) requestId: string): Promise<Observable<MessageEvent>> {
    return this.progressEvents.open(requestId);
  }

  @Get(ROUTES.status.outputCsv)
  @ApiOperation({
    operationId: 'downloadOutputCsv',
    summary: 'The output CSV: input columns plus `Output Image Urls`',
  })
  @ApiRequestId()
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
    return answerDownload(download, response, { type: OUTPUT_CSV_CONTENT_TYPE, disposition });
  }

  @Get(ROUTES.status.reportCsv)
  @ApiOperation({
    operationId: 'downloadReportCsv',
    summary: 'The report CSV: one row per image, with what compression did to it',
    description:
      'For people: per image, in output order, its product, input and output URLs, format, ' +
      'source and target quality, bytes in and out, the share saved, its quality score (SSIM ' +
      'against the source, 0 to 1) and its result (`Compressed`, `Source kept` or `Failed`, ' +
      'with the reason in `Details`). Built from the database as it is streamed.',
  })
  @ApiRequestId()
  @ApiOkResponse({
    description: 'The report CSV, once the request has finished.',
    headers: {
      'Content-Disposition': {
        description: 'Saves the file as `<requestId>-report.csv`.',
        schema: { type: 'string', example: `attachment; filename="${EXAMPLE_ID}-report.csv"` },
      },
    },
    content: {
      'text/csv': {
        schema: { type: 'string' },
        example:
          `${REPORT_CSV_COLUMNS.join(',')}\r\n` +
          `1,SKU1,1,https://images.example.com/a.jpg,http://localhost:3000/images/${EXAMPLE_ID}/1-1.jpg,` +
          'jpeg,90,45,184233,61022,66.9,0.9712,Compressed,\r\n' +
          '1,SKU1,2,https://images.example.com/b.jpg,,,,,,,,,Failed,Download failed with HTTP 404\r\n',
      },
    },
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The request is still `Pending` or `Processing`; try again after it finishes.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: `Request ${EXAMPLE_ID} is Processing; the report is ready once it has finished`,
    },
  })
  async reportCsv(@Param('requestId', requestIdPipe) requestId: string): Promise<StreamableFile> {
    return new StreamableFile(await this.statuses.reportCsv(requestId), {
      type: OUTPUT_CSV_CONTENT_TYPE,
      disposition: `attachment; filename="${requestId}-report.csv"`,
    });
  }
}
