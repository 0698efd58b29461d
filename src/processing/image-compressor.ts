/**
 * Re-encodes an image at half of its original quality, in its own format.
 *
 * The source quality is found per format:
 * - JPEG: read back exactly from the quantisation tables (`estimateJpegQuality`), and written
 *   with the standard IJG tables, so the output reads back at exactly half.
 * - PNG, GIF and lossless WebP are lossless: quality 100.
 * - Lossy WebP and AVIF: the encoder's quality cannot be read back from the file, so the source
 *   is taken to be at the top of its encoder's scale (100) and written at 50. The recorded
 *   source quality stays null, because 100 is an assumption, not a measurement.
 *
 * GIF has no quality setting: it is re-encoded with its own palette, frames kept, and no target
 * quality is recorded. libvips writes GIF palettes at 1, 2, 4 or 8 bits, so asking for 128
 * colours still gives 256, and the next step down (16 colours) posterises photographs.
 *
 * Nothing is made bigger: when the re-encoded bytes are not fewer, the source is kept, with its
 * metadata removed losslessly (orientation and colour profile stay). Only when that cannot be
 * done safely is the larger re-encoded image kept instead, so that no metadata ever leaks.
 */
import { Injectable } from '@nestjs/common';
import sharp, { Metadata, Sharp } from 'sharp';
import { IMAGE_FORMATS, ImageFormat } from '../storage/image-formats';
import { estimateJpegQuality } from './jpeg-quality';
import { findGifStructureDefect } from './metadata/gif-structure';
import { CannotStripMetadataError, stripMetadata } from './metadata/strip-metadata';

export interface CompressedImage {
  data: Buffer;
  format: ImageFormat;
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

/** Decompression-bomb guard, counting every decoded frame; imgproxy's default. */
const MAX_INPUT_PIXELS = 50_000_000;

const LOSSLESS_SOURCE_QUALITY = 100;

/** Where the encoder's quality cannot be read back, the source is taken to be at the top. */
const ASSUMED_LOSSY_SOURCE_QUALITY = 100;

/** The Annex K tables that `estimateJpegQuality` reads back exactly. */
const IJG_STANDARD_QUANTISATION_TABLE = 0;

/**
 * Trellis quantisation and optimised progressive scans (about 20% smaller at the same tables,
 * still reading back exactly) cost CPU; a benchmark decides whether to turn them on.
 */
const JPEG_MOZJPEG_TUNING = false;

/** Formats whose every frame is decoded and re-encoded, so animations stay animated. */
const ANIMATED_FORMATS: ReadonlySet<ImageFormat> = new Set<ImageFormat>(['gif', 'webp']);

const CONTENT_PREVIEW_BYTES = 16;

// A batch worker never sees the same image twice, and one libvips thread per image with about
// one image per core (IMAGE_CONCURRENCY) beats several threads per image.
sharp.cache(false);
sharp.concurrency(1);

interface EncodingPlan {
  sourceQuality: number | null;
  targetQuality: number | null;
  encode(image: Sharp): Sharp;
}

/** Re-encodes images at half of their original quality, in their own format. */
@Injectable()
export class ImageCompressor {
  async compress(source: Buffer): Promise<CompressedImage> {
    const format = sniffFormat(source);
    if (!format) {
      throw new UnsupportedImageError(
        `The content is not a JPEG, PNG, WebP, GIF or AVIF image; it starts with ${previewContent(source)}`,
      );
    }
    const formatName = IMAGE_FORMATS[format].name;
    const animated = ANIMATED_FORMATS.has(format);
    const gifDefect = format === 'gif' ? findGifStructureDefect(source) : null;
    if (gifDefect) {
      throw new UnsupportedImageError(`The GIF image is truncated or corrupt: ${gifDefect}`);
    }
    const header = await readHeader(source, formatName);
    refuseOversizedImage(header, animated, formatName);

    try {
      const plan = planEncoding(source, format);
      const input = sharp(source, {
        failOn: 'error',
        animated,
        limitInputPixels: MAX_INPUT_PIXELS,
      });
      const { data, info } = await plan
        .encode(input.autoOrient().keepIccProfile())
        .toBuffer({ resolveWithObject: true });
      const result = {
        format,
        sourceQuality: plan.sourceQuality,
        targetQuality: plan.targetQuality,
      };
      const keptSource = data.length >= source.length ? withoutMetadata(source, format) : null;
      if (keptSource) {
        return {
          ...result,
          data: keptSource,
          width: header.autoOrient.width,
          height: header.autoOrient.height,
          skipReason: `Re-encoding gave ${data.length} bytes, not fewer than the ${source.length}-byte source, so the source is kept, without its metadata`,
        };
      }
      // Animated output is one tall strip of frames; the image's height is one frame's.
      const height = info.pageHeight ?? info.height;
      return { ...result, data, width: info.width, height, skipReason: null };
    } catch (error) {
      throw new UnsupportedImageError(
        `The ${formatName} image cannot be decoded (it may be truncated or corrupt): ${firstLineOf(error)}`,
      );
    }
  }
}

/**
 * The source without its metadata, copied losslessly; null when that cannot be done safely,
 * and the re-encoded image (which has no metadata either) is kept although it is larger.
 */
function withoutMetadata(source: Buffer, format: ImageFormat): Buffer | null {
  try {
    return stripMetadata(source, format);
  } catch (error) {
    if (error instanceof CannotStripMetadataError) return null;
    throw error;
  }
}

/** Reads only the header: nothing is decoded yet, whatever the dimensions claim. */
async function readHeader(source: Buffer, formatName: string): Promise<Metadata> {
  try {
    return await sharp(source, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new UnsupportedImageError(
      `The ${formatName} image has an unreadable header: ${firstLineOf(error)}`,
    );
  }
}

function refuseOversizedImage(header: Metadata, animated: boolean, formatName: string): void {
  const frames = animated ? (header.pages ?? 1) : 1;
  const pixels = header.width * header.height * frames;
  if (pixels <= MAX_INPUT_PIXELS) return;
  const frameNote = frames > 1 ? ` × ${frames} frames` : '';
  throw new UnsupportedImageError(
    `The ${formatName} image is ${header.width}×${header.height}${frameNote} = ` +
      `${formatCount(pixels)} pixels, above the limit of ${formatCount(MAX_INPUT_PIXELS)} pixels`,
  );
}

function planEncoding(source: Buffer, format: ImageFormat): EncodingPlan {
  switch (format) {
    case 'jpeg': {
      const sourceQuality = estimateJpegQuality(source);
      const targetQuality = halfOf(sourceQuality);
      return {
        sourceQuality,
        targetQuality,
        // CMYK sources come out as sRGB; chroma subsampling is sharp's 4:2:0.
        encode: (image) =>
          image.jpeg({
            quality: targetQuality,
            quantisationTable: IJG_STANDARD_QUANTISATION_TABLE,
            mozjpeg: JPEG_MOZJPEG_TUNING,
          }),
      };
    }
    case 'png': {
      const targetQuality = halfOf(LOSSLESS_SOURCE_QUALITY);
      return {
        sourceQuality: LOSSLESS_SOURCE_QUALITY,
        targetQuality,
        encode: (image) =>
          image.png({ palette: true, quality: targetQuality, compressionLevel: 9 }),
      };
    }
    case 'webp': {
      const sourceQuality = isLosslessWebp(source) ? LOSSLESS_SOURCE_QUALITY : null;
      const targetQuality = halfOf(sourceQuality ?? ASSUMED_LOSSY_SOURCE_QUALITY);
      return {
        sourceQuality,
        targetQuality,
        encode: (image) => image.webp({ quality: targetQuality }),
      };
    }
    case 'avif': {
      const targetQuality = halfOf(ASSUMED_LOSSY_SOURCE_QUALITY);
      return {
        sourceQuality: null,
        targetQuality,
        encode: (image) => image.avif({ quality: targetQuality }),
      };
    }
    case 'gif':
      return {
        sourceQuality: LOSSLESS_SOURCE_QUALITY,
        targetQuality: null,
        encode: (image) => image.gif(),
      };
  }
}

function halfOf(quality: number): number {
  return Math.max(1, Math.round(quality / 2));
}

/**
 * sharp's metadata does not say whether a WebP is lossless, so the RIFF chunks are walked:
 * lossless bitstreams are `VP8L`, lossy ones `VP8 `, and animation frames (`ANMF`) nest them.
 * A file is lossless when no frame is lossy.
 */
function isLosslessWebp(webp: Buffer): boolean {
  const bitstreams = new Set<string>();
  collectWebpBitstreams(webp, 12, webp.length, bitstreams);
  return bitstreams.has('VP8L') && !bitstreams.has('VP8 ');
}

const RIFF_CHUNK_HEADER_BYTES = 8;
const ANIMATION_FRAME_HEADER_BYTES = 16;

function collectWebpBitstreams(webp: Buffer, start: number, end: number, found: Set<string>): void {
  let offset = start;
  while (offset + RIFF_CHUNK_HEADER_BYTES <= end) {
    const fourCc = webp.toString('latin1', offset, offset + 4);
    const payloadStart = offset + RIFF_CHUNK_HEADER_BYTES;
    const payloadEnd = Math.min(end, payloadStart + webp.readUInt32LE(offset + 4));
    if (fourCc === 'VP8 ' || fourCc === 'VP8L') {
      found.add(fourCc);
    } else if (fourCc === 'ANMF') {
      collectWebpBitstreams(webp, payloadStart + ANIMATION_FRAME_HEADER_BYTES, payloadEnd, found);
    }
    // Chunks are padded to an even length.
    offset = payloadEnd + ((payloadEnd - payloadStart) % 2);
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

/** Shows what was received instead (an HTML error page, a PDF…) as text, or as hex if binary. */
function previewContent(data: Buffer): string {
  if (data.length === 0) return 'nothing (it is empty)';
  const start = data.subarray(0, CONTENT_PREVIEW_BYTES);
  const isPrintable = start.every(
    (byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f),
  );
  return isPrintable ? JSON.stringify(start.toString('latin1')) : `bytes ${start.toString('hex')}`;
}

function firstLineOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
