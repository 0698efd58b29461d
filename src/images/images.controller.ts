import {
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
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
@Controller('images')
export class ImagesController {
  constructor(private readonly storage: ImageStorage) {}

  @Get(':requestId/:fileName')
  @ApiOperation({ operationId: 'downloadImage', summary: 'A compressed image' })
  @ApiParam({ name: 'requestId', format: 'uuid' })
  @ApiParam({
    name: 'fileName',
    description: '`<row>-<position>.<extension>`, as given in the output URLs.',
    example: '1-1.jpg',
  })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  @ApiOkResponse({
    description: 'The image.',
    content: Object.fromEntries(
      Object.values(CONTENT_TYPES).map((type) => [
        type,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such image.' })
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
