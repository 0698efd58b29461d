import { Controller, Get, NotFoundException, Param, Res, StreamableFile } from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ROUTES } from '../links/routes';
import { ApiRequestId, EXAMPLE_REQUEST_ID } from '../common/request-id.api';
import { requestIdPipe } from '../common/request-id.pipe';
import { API_KEY_REQUIRED_RESPONSE } from '../common/error-response.dto';
import { IMAGE_FORMATS } from '../storage/image-formats';
import { RequestsRepository } from '../requests/requests.repository';
import { answerDownload, ObjectDownloads } from '../storage/object-downloads';
import { StorageKeys } from '../storage/storage-keys';

const PRESIGNED_URL_EXAMPLE =
  `https://images.s3.eu-west-1.amazonaws.com/${EXAMPLE_REQUEST_ID}/1-1.jpg` +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-SignedHeaders=host' +
  '&X-Amz-Signature=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

@ApiTags('images')
@ApiUnauthorizedResponse(API_KEY_REQUIRED_RESPONSE)
@Controller(ROUTES.images.controller)
export class ImagesController {
  constructor(
    private readonly downloads: ObjectDownloads,
    private readonly requests: RequestsRepository,
  ) {}

  @Get(ROUTES.images.image)
  @ApiOperation({ operationId: 'downloadImage', summary: 'A compressed image' })
  @ApiRequestId({
    description:
      'No such image (yet): it failed, is still being processed, never existed, or its request ' +
      'was deleted.',
    example: {
      statusCode: 404,
      error: 'Not Found',
      message: `No image ${EXAMPLE_REQUEST_ID}/1-1.jpg`,
    },
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
  @ApiFoundResponse({
    description:
      'With `IMAGE_DELIVERY=redirect`: the image is downloaded from the bucket, at a presigned ' +
      'URL that expires after `IMAGE_URL_TTL_SECONDS`.',
    headers: {
      Location: {
        description: 'The presigned URL of the image.',
        schema: { type: 'string', format: 'uri', example: PRESIGNED_URL_EXAMPLE },
      },
    },
  })
  async download(
    @Param('requestId', requestIdPipe) requestId: string,
    @Param('fileName') fileName: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | undefined> {
    const disposition = `inline; filename="${fileName}"`;
    const image = StorageKeys.resolveImage(requestId, fileName);
    // A deleted request's objects may still be stored while its deletion runs.
    const exists = image !== null && (await this.requests.exists(requestId));
    const download = exists ? await this.downloads.download(image.key, disposition) : null;
    if (!image || !download) throw new NotFoundException(`No image ${requestId}/${fileName}`);
    return answerDownload(download, response, { type: image.contentType, disposition });
  }
}
