import { Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { API_KEY_REQUIRED_RESPONSE, ErrorResponseDto } from '../common/error-response.dto';
import {
  ApiRequestId,
  EXAMPLE_REQUEST_ID,
  UNKNOWN_REQUEST_ID_EXAMPLE,
} from '../common/request-id.api';
import { requestIdPipe } from '../common/request-id.pipe';
import { ROUTES } from '../links/routes';
import { RequestSummaryDto } from './dto/status-response.dto';
import { RequestLifecycleService } from './request-lifecycle.service';

const unknownOrDeleted = {
  description: 'Unknown or deleted request id, or a request of another API key.',
  example: UNKNOWN_REQUEST_ID_EXAMPLE,
};

@ApiTags('requests')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@Controller(ROUTES.requests.controller)
export class RequestLifecycleController {
  constructor(private readonly lifecycle: RequestLifecycleService) {}

  @Post(ROUTES.requests.cancel)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'cancelRequest',
    summary: 'Stop a running request',
    description:
      'No image still `Pending` is downloaded after the answer; images already being processed ' +
      'may finish, and their results are kept. The pending images become `Cancelled` and the ' +
      'request ends `Cancelled`, with its output CSV (empty cells for cancelled images) and ' +
      'its webhook (`image_processing.cancelled`). Cancelling a cancelled request answers as ' +
      'the first time.',
  })
  @ApiRequestId(unknownOrDeleted)
  @ApiAcceptedResponse({
    type: RequestSummaryDto,
    description: 'Cancelled: the request as it stands, until the images in hand are done.',
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The request has already finished (other than by a cancellation).',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: `Request ${EXAMPLE_REQUEST_ID} has finished (Completed); only a running request can be cancelled`,
    },
  })
  cancel(@Param('requestId', requestIdPipe) requestId: string): Promise<RequestSummaryDto> {
    return this.lifecycle.cancel(requestId);
  }

  @Post(ROUTES.requests.retry)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'retryRequest',
    summary: 'Try the failed and cancelled images of a finished request again',
    description:
      'Every `Failed` or `Cancelled` image goes back to `Pending` with a fresh attempt count; ' +
      'images that succeeded are kept as they are. The request is `Processing` again; when it ' +
      'finishes, a new output CSV replaces the old one and the webhook is sent again, with a ' +
      'new `webhook-id`. `retries` counts the retries.',
  })
  @ApiRequestId(unknownOrDeleted)
  @ApiAcceptedResponse({ type: RequestSummaryDto, description: 'Retrying.' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The request has not finished, or is being retried already.',
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: `Request ${EXAMPLE_REQUEST_ID} is Processing; only a Completed, Failed or Cancelled request can be retried`,
    },
  })
  retry(@Param('requestId', requestIdPipe) requestId: string): Promise<RequestSummaryDto> {
    return this.lifecycle.retry(requestId);
  }

  @Delete(ROUTES.requests.request)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'deleteRequest',
    summary: 'Delete a request with everything stored for it',
    description:
      'From the answer on, the request, its status, its output CSV and its images answer 404. ' +
      'A running request is cancelled first. Its rows and stored objects are removed in the ' +
      'background, in bounded batches; a deletion cut short by a restart is carried on.',
  })
  @ApiRequestId(unknownOrDeleted)
  @ApiAcceptedResponse({
    type: RequestSummaryDto,
    description: 'Deleted: the request as it was.',
  })
  delete(@Param('requestId', requestIdPipe) requestId: string): Promise<RequestSummaryDto> {
    return this.lifecycle.delete(requestId);
  }
}
