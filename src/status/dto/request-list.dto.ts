import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { RequestSummaryDto } from './status-response.dto';

export const MAX_LIST_LIMIT = 100;
const LIMIT_RULE = `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`;
export const BEFORE_RULE = 'before must be the request_id of a request in this list';

export class RequestListQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Requests per page.',
    default: 20,
    minimum: 1,
    maximum: MAX_LIST_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_RULE })
  @Min(1, { message: LIMIT_RULE })
  @Max(MAX_LIST_LIMIT, { message: LIMIT_RULE })
  limit = 20;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Start after this request (the last `request_id` of the previous page) instead of at the ' +
      'newest; `next` gives it.',
    example: '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
  })
  @IsOptional()
  @IsUUID('all', { message: BEFORE_RULE })
  before?: string;
}

export class RequestListItemDto extends RequestSummaryDto {
  @ApiProperty({
    format: 'uri',
    example: 'http://localhost:3000/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
    description: 'The status of the request, with its images.',
  })
  status_url!: string;
}

export class RequestListDto {
  @ApiProperty({ type: [RequestListItemDto], description: 'Newest first.' })
  items!: RequestListItemDto[];

  @ApiProperty({ example: 20 })
  limit!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    example: 'http://localhost:3000/requests?before=3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a&limit=20',
    description: 'The next, older page; null after the last.',
  })
  next!: string | null;
}
