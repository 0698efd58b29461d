import { ApiProperty } from '@nestjs/swagger';

/** The body of every error answer other than CSV validation errors. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'No request with id 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
  })
  message!: string | string[];
}
