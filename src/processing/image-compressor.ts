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
 * Nothing is made bigger when that can be done without metadata: when the re-encoded bytes are
 * not fewer, the source is kept as it is if its container provably holds no metadata; a JPEG
 * loses its metadata segments, and a PNG or lossless WebP is re-encoded losslessly, when that
 * is smaller than the re-encoded image; otherwise (AVIF, lossy WebP, GIF, rotated JPEGs) the
 * larger re-encoded image is kept, so that no metadata ever leaks. Every image is checked before
 * it is returned: its container must hold no metadata, and sharp must decode it.
 */
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import sharp, { AvifOptions, GifOptions, JpegOptions, PngOptions, Sharp, WebpOptions } from 'sharp';
import { CompressionConfig, CompressionProfile } from '../config/config';
import { IMAGE_FORMATS, ImageFormat } from '../storage/image-formats';
import { walkGif } from './containers/gif-blocks';
import { isLosslessWebp } from './containers/webp-chunks';
import { Slots } from './slots';
import { estimateJpegQuality } from './jpeg-quality';
import { stripJpegMetadata } from './metadata/jpeg-metadata';
import { findMetadata } from './metadata/metadata-scan';

export interface CompressedImage {
  data: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  /** Frames of the image: more than one for an animation. */
  frames: number;
  /** Estimated quality of the source on its encoder's 1–100 scale; null when unknown. */
  sourceQuality: number | null;
  targetQuality: number | null;
  /** Set when the source bytes were kept because re-encoding did not make them smaller. */
  skipReason: string | null;
}

/** The bytes to store, and why they are not the re-encoded image, if they are not. */
interface StoredBytes {
  data: Buffer;
  skipReason: string | null;
}

/** The content is not an image the service accepts, or cannot be decoded. Never retried. */
export class UnsupportedImageError extends Error {}

/** Decompression-bomb guard, counting every decoded frame; imgproxy's default. */
export const MAX_INPUT_PIXELS = 50_000_000;

/** Names the rule that turns a source quality into a target; a new rule needs a new name. */
const QUALITY_RULE = 'half-of-source-quality/1';

const LOSSLESS_SOURCE_QUALITY = 100;

/** Where the encoder's quality cannot be read back, the source is taken to be at the top. */
const ASSUMED_LOSSY_SOURCE_QUALITY = 100;

/** The Annex K tables that `estimateJpegQuality` reads back exactly. */
const IJG_STANDARD_QUANTISATION_TABLE = 0;

interface EncoderSettings {
  jpeg: JpegOptions;
  png: PngOptions;
  webp: WebpOptions;
  avif: AvifOptions;
  gif: GifOptions;
}

/**
 * How hard each encoder works, per COMPRESSION_PROFILE; the quality itself is always half of
 * the source's. `balanced` writes the JPEG bytes of version 0.1 (Huffman tables optimised);
 * `fastest` skips that pass and the slow palette search; `smallest` adds mozjpeg's trellis
 * quantisation and progressive scans on the same IJG tables, so its JPEGs still read back at
 * exactly half. `npm run bench` measures each profile per format.
 */
const ENCODER_SETTINGS: Record<CompressionProfile, EncoderSettings> = {
  balanced: {
    jpeg: { quantisationTable: IJG_STANDARD_QUANTISATION_TABLE, mozjpeg: false },
    png: { palette: true, compressionLevel: 6, effort: 7 },
    webp: { effort: 4 },
    avif: { effort: 4 },
    gif: { effort: 7 },
  },
  fastest: {
    jpeg: { quantisationTable: IJG_STANDARD_QUANTISATION_TABLE, optimiseCoding: false },
    png: { palette: true, compressionLevel: 2, effort: 1 },
    webp: { effort: 1 },
    avif: { effort: 1 },
    gif: { effort: 1 },
  },
  smallest: {
    jpeg: { quantisationTable: IJG_STANDARD_QUANTISATION_TABLE, mozjpeg: true },
    png: { palette: true, compressionLevel: 9, effort: 10 },
    webp: { effort: 6 },
    avif: { effort: 7 },
    gif: { effort: 10 },
  },
};

/** Formats whose every frame is decoded and re-encoded, so animations stay animated. */
const ANIMATED_FORMATS: ReadonlySet<ImageFormat> = new Set<ImageFormat>(['gif', 'webp']);

const CONTENT_PREVIEW_BYTES = 16;

const UPRIGHT = 1;

/** Width a re-encoded image is decoded to before it is stored: enough to read every byte. */
const VERIFY_DECODE_SIZE = 8;

// A batch worker never sees the same image twice, and one libvips thread per image with one
// image per core (COMPRESSION_CONCURRENCY) beats several threads per image.
sharp.cache(false);
sharp.concurrency(1);

interface EncodingPlan {
  sourceQuality: number | null;
  targetQuality: number | null;
  encode(image: Sharp): Sharp;
}

/**
 * Re-encodes images at half of their original quality, in their own format, with at most
 * COMPRESSION_CONCURRENCY images in sharp at once, whatever the number of jobs in flight.
 */
@Injectable()
export class ImageCompressor {
  private readonly settings: EncoderSettings;
  private readonly slots: Slots;
  /**
   * A hash of everything that decides the output bytes of a given source: the quality rule,
   * the profile's encoder settings and the sharp and libvips versions. A stored result is
   * reused only under the same recipe.
   */
  readonly recipe: string;

  constructor(config: CompressionConfig) {
    this.settings = ENCODER_SETTINGS[config.profile];
    this.slots = new Slots(config.concurrency);
    this.recipe = createHash('sha256')
      .update(
        JSON.stringify({
          rule: QUALITY_RULE,
          profile: config.profile,
          settings: this.settings,
          sharp: sharp.versions,
        }),
      )
      .digest('hex');
  }

  async compress(source: Buffer): Promise<CompressedImage> {
    const format = sniffFormat(source);
    if (!format) {
      throw new UnsupportedImageError(
        `The content is not a JPEG, PNG, WebP, GIF or AVIF image; it starts with ${previewContent(source)}`,
      );
    }
    const formatName = IMAGE_FORMATS[format].name;
    const gifDefect = format === 'gif' ? (await walkGif(source)).defect : null;
    if (gifDefect) {
      throw new UnsupportedImageError(`The GIF image is truncated or corrupt: ${gifDefect}`);
    }
    let result: CompressedImage;
    try {
      const plan = await planEncoding(source, format, this.settings);
      const { data, info } = await this.slots.run(() =>
        plan.encode(encodingPipeline(source, format)).toBuffer({ resolveWithObject: true }),
      );
      const stored =
        data.length < source.length
          ? { data, skipReason: null }
          : await this.smallestWithoutMetadata(source, format, data);
      result = {
        ...stored,
        format,
        sourceQuality: plan.sourceQuality,
        targetQuality: plan.targetQuality,
        // Animated output is one tall strip of frames; the image's height is one frame's.
        width: info.width,
        height: info.pageHeight ?? info.height,
        frames: info.pages ?? 1,
      };
    } catch (error) {
      if (isPixelLimitError(error)) throw await oversizedImageError(source, format, formatName);
      throw new UnsupportedImageError(
        `The ${formatName} image cannot be decoded (it may be truncated or corrupt): ${firstLineOf(error)}`,
      );
    }
    await this.verify(result, result.data === source || result.skipReason !== null);
    return result;
  }

  /**
   * The smallest image without metadata when re-encoding did not make the source smaller: the
   * source itself when it holds none, else the source without it, else the re-encoded image.
   */
  private async smallestWithoutMetadata(
    source: Buffer,
    format: ImageFormat,
    encoded: Buffer,
  ): Promise<StoredBytes> {
    const notFewer = `Re-encoding gave ${encoded.length} bytes, not fewer than the ${source.length}-byte source`;
    const metadata = await findMetadata(source, format);
    if (metadata === null) {
      return { data: source, skipReason: `${notFewer}, so the source is kept` };
    }
    const stripped = await this.withoutMetadata(source, format);
    if (stripped && stripped.length < encoded.length) {
      const how =
        format === 'jpeg' ? 'without its metadata' : 're-encoded losslessly without its metadata';
      return { data: stripped, skipReason: `${notFewer}, so the source is kept, ${how}` };
    }
    return { data: encoded, skipReason: null };
  }

  /**
   * The source's pixels without its metadata, losslessly, or null where that is not possible:
   * JPEG by dropping segments (unless its EXIF turns it, which dropping would undo); PNG and
   * lossless WebP by a lossless re-encode. AVIF, lossy WebP and GIF have no lossless route.
   */
  private async withoutMetadata(source: Buffer, format: ImageFormat): Promise<Buffer | null> {
    switch (format) {
      case 'jpeg': {
        const { orientation } = await sharp(source).metadata();
        return (orientation ?? UPRIGHT) === UPRIGHT ? stripJpegMetadata(source) : null;
      }
      case 'png':
        return this.slots.run(() => encodingPipeline(source, format).png().toBuffer());
      case 'webp':
        return (await isLosslessWebp(source))
          ? this.slots.run(() =>
              encodingPipeline(source, format).webp({ lossless: true }).toBuffer(),
            )
          : null;
      case 'gif':
      case 'avif':
        return null;
    }
  }

  /**
   * Refuses to return an image that carries metadata or that sharp cannot decode. A kept source
   * was decoded whole while it was re-encoded, so its header is enough; a re-encoded image is
   * decoded, shrunk on load where the format allows, which costs little next to its encoding.
   */
  private async verify(image: CompressedImage, keptSource: boolean): Promise<void> {
    const formatName = IMAGE_FORMATS[image.format].name;
    const metadata = await findMetadata(image.data, image.format);
    if (metadata !== null) {
      throw new UnsupportedImageError(
        `The ${formatName} image is not stored, because it would still carry metadata: ${metadata}`,
      );
    }
    try {
      const decoder = sharp(image.data, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
      if (keptSource) {
        await decoder.metadata();
      } else {
        await this.slots.run(() => decoder.resize(VERIFY_DECODE_SIZE).raw().toBuffer());
      }
    } catch (error) {
      throw new UnsupportedImageError(
        `The ${formatName} image is not stored, because sharp cannot decode it: ${firstLineOf(error)}`,
      );
    }
  }
}

/**
 * The sharp pipeline of an image: decoded (every frame of an animation), turned upright, its
 * colour profile kept, and encoded by the plan. libvips checks the pixel limit from the header,
 * before it decodes anything.
 */
function encodingPipeline(source: Buffer, format: ImageFormat): Sharp {
  const input = sharp(source, {
    failOn: 'error',
    animated: ANIMATED_FORMATS.has(format),
    limitInputPixels: MAX_INPUT_PIXELS,
  });
  return input.autoOrient().keepIccProfile();
}

/**
 * What sharp alone does for an image under a profile, without the compressor's checks and
 * bookkeeping: the floor that `npm run bench` measures the service against.
 */
export async function sharpWorkOf(source: Buffer, profile: CompressionProfile): Promise<Sharp> {
  const format = sniffFormat(source);
  if (!format) throw new UnsupportedImageError('Not an image the service compresses');
  const plan = await planEncoding(source, format, ENCODER_SETTINGS[profile]);
  return plan.encode(encodingPipeline(source, format));
}

function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

/** Says how large an image refused by the pixel limit is, from its header alone. */
async function oversizedImageError(
  source: Buffer,
  format: ImageFormat,
  formatName: string,
): Promise<UnsupportedImageError> {
  const header = await sharp(source, { limitInputPixels: false }).metadata();
  const frames = ANIMATED_FORMATS.has(format) ? (header.pages ?? 1) : 1;
  const pixels = header.width * header.height * frames;
  const frameNote = frames > 1 ? ` × ${frames} frames` : '';
  return new UnsupportedImageError(
    `The ${formatName} image is ${header.width}×${header.height}${frameNote} = ` +
      `${formatCount(pixels)} pixels, above the limit of ${formatCount(MAX_INPUT_PIXELS)} pixels`,
  );
}

async function planEncoding(
  source: Buffer,
  format: ImageFormat,
  settings: EncoderSettings,
): Promise<EncodingPlan> {
  switch (format) {
    case 'jpeg': {
      const sourceQuality = await estimateJpegQuality(source);
      const targetQuality = halfOf(sourceQuality);
      return {
        sourceQuality,
        targetQuality,
        // CMYK sources come out as sRGB; chroma subsampling is sharp's 4:2:0.
        encode: (image) => image.jpeg({ ...settings.jpeg, quality: targetQuality }),
      };
    }
    case 'png': {
      const targetQuality = halfOf(LOSSLESS_SOURCE_QUALITY);
      return {
        sourceQuality: LOSSLESS_SOURCE_QUALITY,
        targetQuality,
        encode: (image) => image.png({ ...settings.png, quality: targetQuality }),
      };
    }
    case 'webp': {
      const sourceQuality = (await isLosslessWebp(source)) ? LOSSLESS_SOURCE_QUALITY : null;
      const targetQuality = halfOf(sourceQuality ?? ASSUMED_LOSSY_SOURCE_QUALITY);
      return {
        sourceQuality,
        targetQuality,
        encode: (image) => image.webp({ ...settings.webp, quality: targetQuality }),
      };
    }
    case 'avif': {
      const targetQuality = halfOf(ASSUMED_LOSSY_SOURCE_QUALITY);
      return {
        sourceQuality: null,
        targetQuality,
        encode: (image) => image.avif({ ...settings.avif, quality: targetQuality }),
      };
    }
    case 'gif':
      return {
        sourceQuality: LOSSLESS_SOURCE_QUALITY,
        targetQuality: null,
        encode: (image) => image.gif(settings.gif),
      };
  }
}

function halfOf(quality: number): number {
  return Math.max(1, Math.round(quality / 2));
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
