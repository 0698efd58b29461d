import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 1000;
const LIMIT_RULE = `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

export class StatusQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Page of the image list, from 1.',
    default: 1,
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number of at least 1' })
  @Min(1, { message: 'page must be a whole number of at least 1' })
  page = 1;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Images per page.',
    default: 100,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_RULE })
  @Min(1, { message: LIMIT_RULE })
  @Max(MAX_PAGE_SIZE, { message: LIMIT_RULE })
  limit = 100;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'Start after the image at this place in the output (the `ordinal` of the last image of ' +
      'the previous page), instead of at `page`; `images.next` gives it.',
    minimum: 0,
    example: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'after must be a whole number of at least 0' })
  @Min(0, { message: 'after must be a whole number of at least 0' })
  after?: number;
}
