import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorResponseDto } from '../common/error-response.dto';
import {
  CsvValidationErrorDto,
  UploadAcceptedDto,
  UploadCsvBodyDto,
  UploadCsvQueryDto,
} from './dto/upload-csv.dto';
import { UploadService } from './upload.service';

@ApiTags('upload')
@Controller('upload')
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    operationId: 'uploadCsv',
    summary: 'Upload a CSV of products and image URLs',
    description:
      'Validates the whole file and answers at once with a request id; images are fetched and ' +
      'compressed in the background. `webhook_url` may be sent as a form field or a query parameter.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadCsvBodyDto })
  @ApiAcceptedResponse({ type: UploadAcceptedDto, description: 'Accepted for processing.' })
  @ApiBadRequestResponse({
    type: CsvValidationErrorDto,
    description: 'The CSV is invalid (every problem listed with its line), or no file was sent.',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'The file is too large.' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'The job queue is unavailable; nothing was stored.',
  })
  async upload(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: UploadCsvBodyDto,
    @Query() query: UploadCsvQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UploadAcceptedDto> {
    if (!file) {
      throw new BadRequestException('Send the CSV as the multipart form field "file"');
    }
    const accepted = await this.uploads.accept(
      file.buffer,
      body.webhook_url ?? query.webhook_url ?? null,
    );
    response.location(accepted.status_url);
    return accepted;
  }
}
