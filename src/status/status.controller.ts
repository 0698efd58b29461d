import { Controller, Get, Param, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { StatusQueryDto } from './dto/status-query.dto';
import { StatusResponseDto } from './dto/status-response.dto';
import { StatusService } from './status.service';

const requestIdParam = ApiParam({
  name: 'requestId',
  format: 'uuid',
  description: 'The `request_id` returned by `POST /upload`.',
});
const uuidPipe = new ParseUUIDPipe({ version: '4' });

@ApiTags('status')
@Controller('status')
export class StatusController {
  constructor(private readonly statuses: StatusService) {}

  @Get(':requestId')
  @ApiOperation({ operationId: 'getStatus', summary: 'Processing status and per-image results' })
  @requestIdParam
  @ApiOkResponse({ type: StatusResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed request id.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown request id.' })
  status(
    @Param('requestId', uuidPipe) requestId: string,
    @Query() query: StatusQueryDto,
  ): Promise<StatusResponseDto> {
    return this.statuses.status(requestId, query);
  }

  @Get(':requestId/output.csv')
  @ApiOperation({
    operationId: 'downloadOutputCsv',
    summary: 'The output CSV: input columns plus `Output Image Urls`',
  })
  @requestIdParam
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The output CSV.',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed request id.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown request id.' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The request has not finished.' })
  async outputCsv(@Param('requestId', uuidPipe) requestId: string): Promise<StreamableFile> {
    const csv = await this.statuses.outputCsv(requestId);
    return new StreamableFile(Buffer.from(csv, 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${requestId}.csv"`,
    });
  }
}
