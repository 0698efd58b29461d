import {
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { API_KEY_REQUIRED_RESPONSE, ErrorResponseDto } from '../common/error-response.dto';
import { ImageStorage } from '../storage/image-storage';

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};
const FILE_NAME = /^(\d+)-(\d+)\.(jpg|png|webp|gif|avif)$/;

@ApiTags('images')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@Controller('images')
export class ImagesController {
  constructor(private readonly storage: ImageStorage) {}

  @Get(':requestId/:fileName')
  @ApiOperation({ operationId: 'downloadImage', summary: 'A compressed image' })
  @ApiParam({
    name: 'requestId',
    format: 'uuid',
    description: 'The `request_id` returned by `POST /upload`.',
    example: '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a',
  })
  @ApiParam({
    name: 'fileName',
    description: '`<row>-<position>.<extension>`, as given in the output URLs.',
    example: '1-1.jpg',
  })
  @ApiOkResponse({
    description:
      'The compressed image, in the format of its input (or the original bytes when ' +
      're-encoding did not make it smaller).',
    headers: {
      'Content-Length': { schema: { type: 'integer', example: 61022 } },
      'Content-Disposition': { schema: { type: 'string', example: 'inline; filename="1-1.jpg"' } },
    },
    content: Object.fromEntries(
      Object.values(CONTENT_TYPES).map((type) => [
        type,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Malformed request id.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed (uuid is expected)',
    },
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No such image (yet): it failed, is still being processed, or never existed.',
    example: {
      statusCode: 404,
      error: 'Not Found',
      message: 'No image 3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg',
    },
  })
  async download(
    @Param('requestId', new ParseUUIDPipe()) requestId: string,
    @Param('fileName') fileName: string,
  ): Promise<StreamableFile> {
    const match = FILE_NAME.exec(fileName);
    const stored = match ? await this.storage.open(`${requestId}/${fileName}`) : null;
    if (!match || !stored) throw new NotFoundException(`No image ${requestId}/${fileName}`);
    return new StreamableFile(stored.stream, {
      type: CONTENT_TYPES[match[3]],
      length: stored.size,
      disposition: `inline; filename="${fileName}"`,
    });
  }
}
