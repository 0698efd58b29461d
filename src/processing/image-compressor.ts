import { Injectable } from '@nestjs/common';
import sharp, { Sharp } from 'sharp';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';

export interface CompressedImage {
  data: Buffer;
  format: ImageFormat;
  extension: string;
  width: number;
  height: number;
  /** Estimated quality of the source on its encoder's 1–100 scale; null when unknown. */
  sourceQuality: number | null;
  targetQuality: number | null;
  /** Set when the source bytes were kept because re-encoding did not make them smaller. */
  skipReason: string | null;
}

/** The content is not an image the service accepts, or cannot be decoded. Never retried. */
export class UnsupportedImageError extends Error {}

const EXTENSIONS: Record<ImageFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  avif: 'avif',
};

/** Quality used when the source quality cannot be read. */
const DEFAULT_TARGET_QUALITY = 50;

sharp.cache(false);

/** Re-encodes images at half of their original quality, in their own format. */
@Injectable()
export class ImageCompressor {
  async compress(source: Buffer): Promise<CompressedImage> {
    const format = sniffFormat(source);
    if (!format) {
      throw new UnsupportedImageError(
        'The content is not a JPEG, PNG, WebP, GIF or AVIF image',
      );
    }
    const input = sharp(source, { failOn: 'error', animated: format === 'gif' });
    try {
      const targetQuality = DEFAULT_TARGET_QUALITY;
      const { data, info } = await encode(input.rotate().keepIccProfile(), format, targetQuality)
        .toBuffer({ resolveWithObject: true });
      const result = {
        format,
        extension: EXTENSIONS[format],
        width: info.width,
        height: info.height,
        sourceQuality: null,
        targetQuality,
      };
      if (data.length >= source.length) {
        const metadata = await sharp(source).metadata();
        return {
          ...result,
          data: source,
          width: metadata.autoOrient?.width ?? metadata.width ?? info.width,
          height: metadata.autoOrient?.height ?? metadata.height ?? info.height,
          skipReason: `Re-encoding gave ${data.length} bytes, not smaller than the ${source.length}-byte source`,
        };
      }
      return { ...result, data, skipReason: null };
    } catch (error) {
      if (error instanceof UnsupportedImageError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new UnsupportedImageError(`The ${format} image cannot be decoded: ${message}`);
    }
  }
}

function encode(pipeline: Sharp, format: ImageFormat, quality: number): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality, quantisationTable: 0 });
    case 'png':
      return pipeline.png({ palette: true, quality, compressionLevel: 9 });
    case 'webp':
      return pipeline.webp({ quality });
    case 'gif':
      return pipeline.gif();
    case 'avif':
      return pipeline.avif({ quality });
  }
}

/** Identifies the format from the first bytes, whatever the URL or Content-Type claim. */
export function sniffFormat(data: Buffer): ImageFormat | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'png';
  }
  const ascii = (start: number, end: number) => data.subarray(start, end).toString('latin1');
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(8, 12))) return 'avif';
  return null;
}
