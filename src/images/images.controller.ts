import { Controller, Get, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ROUTES } from '../links/routes';
import { MALFORMED_REQUEST_ID_EXAMPLE, requestIdPipe } from '../common/request-id.pipe';
import { API_KEY_REQUIRED_RESPONSE, ErrorResponseDto } from '../common/error-response.dto';
import { IMAGE_FORMATS } from '../storage/image-formats';
import { ImageStorage } from '../storage/image-storage';
import { StorageKeys } from '../storage/storage-keys';

@ApiTags('images')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@Controller(ROUTES.images.controller)
export class ImagesController {
  constructor(private readonly storage: ImageStorage) {}

  @Get(ROUTES.images.image)
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
      Object.values(IMAGE_FORMATS).map(({ contentType }) => [
        contentType,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Malformed request id.',
    example: MALFORMED_REQUEST_ID_EXAMPLE,
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
    @Param('requestId', requestIdPipe) requestId: string,
    @Param('fileName') fileName: string,
  ): Promise<StreamableFile> {
    const image = StorageKeys.resolveImage(requestId, fileName);
    const stored = image ? await this.storage.open(image.key) : null;
    if (!image || !stored) throw new NotFoundException(`No image ${requestId}/${fileName}`);
    return new StreamableFile(stored.stream, {
      type: image.contentType,
      length: stored.size,
      disposition: `inline; filename="${fileName}"`,
    });
  }
}
