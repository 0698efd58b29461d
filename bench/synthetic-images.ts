/**
 * Photo-like test images made with sharp: smooth colour fields (a tiny random grid upscaled),
 * soft-edged shapes and per-pixel grain. Real photos compress to roughly 0.3 bytes per pixel at
 * JPEG quality 85–92; these land there too, unlike flat colours (too easy) or pure noise (too hard).
 */
import sharp, { Sharp } from 'sharp';

export type BenchFormat = 'jpeg' | 'png' | 'webp';

export interface BenchImage {
  name: string;
  format: BenchFormat;
  contentType: string;
  width: number;
  height: number;
  megapixels: number;
  /** Encoder quality the source was written at (PNG: lossless). */
  quality: number | null;
  data: Buffer;
}

interface ImageSpec {
  format: BenchFormat;
  megapixels: number;
  quality: number | null;
}

const JPEG_MEGAPIXELS = [1, 2, 3, 5, 8, 12];
const JPEG_QUALITIES = [85, 88, 90, 92];
/** Small: the service's palette quantisation costs ~5 s per MP on photos (see the report). */
const PNG_MEGAPIXELS = [0.5, 1];
const WEBP_MEGAPIXELS = [1, 2, 3, 5];
const WEBP_QUALITIES = [80, 85, 90];
const CONTENT_TYPES: Record<BenchFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};
const EXTENSIONS: Record<BenchFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

/**
 * Mostly JPEG (1–12 MP), one in eight WebP (1–5 MP) and one in sixteen PNG (0.5–1 MP).
 * The PNGs, by far the slowest to compress, come first, so that no lone long job is left at
 * the end of a run on an otherwise idle machine; the WebPs are spread among the JPEGs.
 */
export function imageSpecs(count: number): ImageSpec[] {
  const pngCount = Math.max(1, Math.round(count / 16));
  const webpCount = Math.max(1, Math.round(count / 8));
  const jpegCount = Math.max(1, count - pngCount - webpCount);
  const pngs = Array.from({ length: pngCount }, (_, index) => ({
    format: 'png' as const,
    megapixels: PNG_MEGAPIXELS[index % PNG_MEGAPIXELS.length],
    quality: null,
  }));
  const webps = Array.from({ length: webpCount }, (_, index) => ({
    format: 'webp' as const,
    megapixels: WEBP_MEGAPIXELS[index % WEBP_MEGAPIXELS.length],
    quality: WEBP_QUALITIES[index % WEBP_QUALITIES.length],
  }));
  const jpegs = Array.from({ length: jpegCount }, (_, index) => ({
    format: 'jpeg' as const,
    megapixels: JPEG_MEGAPIXELS[index % JPEG_MEGAPIXELS.length],
    quality: JPEG_QUALITIES[index % JPEG_QUALITIES.length],
  }));
  const specs: ImageSpec[] = [...pngs];
  const every = Math.ceil(jpegCount / webpCount);
  jpegs.forEach((jpeg, index) => {
    specs.push(jpeg);
    if (index % every === every - 1 && webps.length > 0) specs.push(webps.shift() as ImageSpec);
  });
  specs.push(...webps);
  return specs;
}

export async function generateImages(count: number): Promise<BenchImage[]> {
  const images: BenchImage[] = [];
  let seed = 1;
  for (const spec of imageSpecs(count)) {
    // 4:3 landscape; dimensions even so that 4:2:0 chroma has no edge columns.
    const width = Math.round(Math.sqrt((spec.megapixels * 1e6 * 4) / 3) / 2) * 2;
    const height = Math.round((width * 3) / 4 / 2) * 2;
    const pixels = await photoPixels(width, height, seed);
    const raw = sharp(pixels, { raw: { width, height, channels: 3 } });
    const data = await encode(raw, spec);
    images.push({
      name: `${String(seed).padStart(3, '0')}-${spec.megapixels}mp.${EXTENSIONS[spec.format]}`,
      format: spec.format,
      contentType: CONTENT_TYPES[spec.format],
      width,
      height,
      megapixels: (width * height) / 1e6,
      quality: spec.quality,
      data,
    });
    seed++;
  }
  return images;
}

function encode(image: Sharp, spec: ImageSpec): Promise<Buffer> {
  switch (spec.format) {
    case 'jpeg':
      // libjpeg's standard tables, as cameras and most editors write them.
      return image.jpeg({ quality: spec.quality ?? 90, quantisationTable: 0 }).toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp({ quality: spec.quality ?? 85 }).toBuffer();
  }
}

/** xorshift32: fast, and without the striping a low-bit LCG leaves in the grain. */
function randomSource(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

async function photoPixels(width: number, height: number, seed: number): Promise<Buffer> {
  const next = randomSource(seed);
  const unit = () => next() / 4294967296;
  const gridWidth = 12;
  const gridHeight = 9;
  const grid = Buffer.alloc(gridWidth * gridHeight * 3);
  for (let index = 0; index < grid.length; index++) grid[index] = next() & 0xff;

  const side = Math.min(width, height);
  const shapes: string[] = [];
  for (let index = 0; index < 40; index++) {
    const x = (unit() * width).toFixed(0);
    const y = (unit() * height).toFixed(0);
    const size = ((0.02 + unit() * 0.15) * side).toFixed(0);
    const colour = `rgb(${next() & 0xff},${next() & 0xff},${next() & 0xff})`;
    const opacity = (0.3 + unit() * 0.6).toFixed(2);
    shapes.push(
      unit() < 0.5
        ? `<circle cx="${x}" cy="${y}" r="${size}" fill="${colour}" fill-opacity="${opacity}"/>`
        : `<rect x="${x}" y="${y}" width="${Number(size) * 2}" height="${size}" fill="${colour}" ` +
            `fill-opacity="${opacity}" transform="rotate(${(unit() * 90).toFixed(0)} ${x} ${y})"/>`,
    );
  }
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`,
  );
  const pixels = await sharp(grid, { raw: { width: gridWidth, height: gridHeight, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .composite([{ input: svg }])
    .blur(1.2)
    .removeAlpha()
    .raw()
    .toBuffer();

  // Sensor-like grain: mostly shared by the channels (luma), a little per channel (chroma).
  for (let offset = 0; offset < pixels.length; offset += 3) {
    const random = next();
    const luma = (random & 31) - 16;
    pixels[offset] = clampByte(pixels[offset] + luma + (((random >>> 8) & 7) - 4));
    pixels[offset + 1] = clampByte(pixels[offset + 1] + luma + (((random >>> 12) & 7) - 4));
    pixels[offset + 2] = clampByte(pixels[offset + 2] + luma + (((random >>> 16) & 7) - 4));
  }
  return pixels;
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}
