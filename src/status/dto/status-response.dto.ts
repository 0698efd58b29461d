import { ApiProperty } from '@nestjs/swagger';
import { ImageStatus, RequestStatus } from '../../requests/request-status';

export class ProgressDto {
  @ApiProperty({ example: 6, description: 'Images in the request.' })
  total!: number;

  @ApiProperty({ example: 4, description: 'Images finished, compressed or failed.' })
  processed!: number;

  @ApiProperty({ example: 3 })
  succeeded!: number;

  @ApiProperty({ example: 1 })
  failed!: number;

  @ApiProperty({ example: 2 })
  pending!: number;

  @ApiProperty({ example: 66.7, description: 'processed / total, in percent.' })
  percent!: number;
}

export class ImageResultDto {
  @ApiProperty({ example: 1, description: 'Product row, 1-based, in CSV order.' })
  row!: number;

  @ApiProperty({ example: '1' })
  serial_number!: string;

  @ApiProperty({ example: 'SKU1' })
  product_name!: string;

  @ApiProperty({ example: 1, description: 'Position of the URL in its row, 1-based.' })
  position!: number;

  @ApiProperty({ example: 'https://images.example.com/a.jpg' })
  input_url!: string;

  @ApiProperty({ enum: ImageStatus, example: ImageStatus.Completed })
  status!: ImageStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'http://localhost:3000/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg',
  })
  output_url!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  error!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'jpeg' })
  format!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 90 })
  source_quality!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 45 })
  target_quality!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 184233 })
  bytes_in!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 61022 })
  bytes_out!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 1024 })
  width!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 768 })
  height!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why the original bytes were kept, when re-encoding did not make them smaller.',
  })
  skip_reason!: string | null;
}

export class ImagePageDto {
  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 100 })
  limit!: number;

  @ApiProperty({ example: 6, description: 'Images in the request.' })
  total!: number;

  @ApiProperty({ type: [ImageResultDto] })
  items!: ImageResultDto[];
}

export class StatusResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a' })
  request_id!: string;

  @ApiProperty({ enum: RequestStatus, example: RequestStatus.Processing })
  status!: RequestStatus;

  @ApiProperty({ type: ProgressDto })
  progress!: ProgressDto;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where the output CSV can be downloaded, once the request has finished.',
    example: null,
  })
  output_csv_url!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  webhook_url!: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-11-25T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-25T10:00:05.000Z' })
  updated_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When the last image finished; null until then.',
  })
  completed_at!: string | null;

  @ApiProperty({ type: ImagePageDto, description: 'One page of per-image results.' })
  images!: ImagePageDto;
}
