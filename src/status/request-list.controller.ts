import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiKeyOwner } from '../auth/api-key-owner.decorator';
import { API_KEY_REQUIRED_RESPONSE, ErrorResponseDto } from '../common/error-response.dto';
import { BEFORE_RULE, RequestListDto, RequestListQueryDto } from './dto/request-list.dto';
import { REQUEST_LIST_ROUTE, RequestListService } from './request-list.service';

@ApiTags('status')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@Controller(REQUEST_LIST_ROUTE)
export class RequestListController {
  constructor(private readonly lists: RequestListService) {}

  @Get()
  @ApiOperation({
    operationId: 'listRequests',
    summary: 'Recent requests, newest first',
    description:
      "The requests uploaded with the caller's API key (every request when the service has no " +
      '`API_KEYS`), as summaries without their images, a page at a time: follow `next`.',
  })
  @ApiOkResponse({ type: RequestListDto, description: 'One page of requests, newest first.' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`limit` out of range, or `before` is not one of the listed requests.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: BEFORE_RULE,
      errors: [{ field: 'before', message: BEFORE_RULE }],
    },
  })
  list(
    @Query() query: RequestListQueryDto,
    @ApiKeyOwner() owner: string | null,
  ): Promise<RequestListDto> {
    return this.lists.recent(owner, query);
  }
}
