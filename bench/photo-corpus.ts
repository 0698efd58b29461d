/**
 * A deterministic corpus of photo-like product images for the benchmark, drawn with sharp.
 *
 * Decoding and re-encoding an image costs in proportion to the detail its encoder had to keep,
 * so each image is built the way a product photograph is: a smooth backdrop, shapes out of focus
 * behind, objects with hard edges and shading, labels of small text-like marks, a textured
 * surface, some texture in the objects' material and mild sensor grain. JPEGs at quality 85–92
 * come out at about 0.3–0.45 bytes per pixel, and re-encoding them at half quality costs and
 * shrinks them as it does real photographs. Full-frame noise is the wrong kind of detail: most of
 * it vanishes at half quality, and it makes the PNGs' palette quantisation many times slower.
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { runPool } from './stats';

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

type ImageSpec = {
  megapixels: number;
  /** Width over height. */
  aspectRatio: number;
} & ({ format: 'jpeg' | 'webp'; quality: number } | { format: 'png'; quality: null });

const JPEG_MEGAPIXELS = [0.5, 1, 2, 3, 5, 8, 12];
const JPEG_QUALITIES = [85, 88, 90, 92];
const WEBP_MEGAPIXELS = [0.5, 1, 2, 3];
const WEBP_QUALITIES = [80, 85, 90];
/**
 * Small: the service's palette quantisation costs over a second per megapixel of full-frame
 * photograph, a hundred times what a JPEG costs, so large PNGs would outweigh all the JPEGs.
 */
const PNG_MEGAPIXELS = [0.5, 1];
const ASPECT_RATIOS = [4 / 3, 1, 3 / 2, 3 / 4];
const CONTENT_TYPES: Record<BenchFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};
const EXTENSIONS: Record<BenchFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

/**
 * Mostly JPEG (0.5–12 MP), about one in ten WebP (0.5–3 MP) and one in ten PNG (0.5–1 MP, a
 * product cut out on a transparent background). The PNGs, by far the slowest to compress, come
 * first, so that no lone long job is left at
 * the end of a run on an otherwise idle machine; the WebPs are spread among the JPEGs.
 */
export function imageSpecs(count: number): ImageSpec[] {
  const pngCount = Math.max(1, Math.round(count / 10));
  const webpCount = Math.max(1, Math.round(count / 10));
  const jpegCount = Math.max(1, count - pngCount - webpCount);
  const aspectRatio = (index: number) => ASPECT_RATIOS[index % ASPECT_RATIOS.length];
  const pngs = Array.from({ length: pngCount }, (_, index): ImageSpec => ({
    format: 'png',
    megapixels: PNG_MEGAPIXELS[index % PNG_MEGAPIXELS.length],
    aspectRatio: aspectRatio(index),
    quality: null,
  }));
  const webps = Array.from({ length: webpCount }, (_, index): ImageSpec => ({
    format: 'webp',
    megapixels: WEBP_MEGAPIXELS[index % WEBP_MEGAPIXELS.length],
    aspectRatio: aspectRatio(index + 1),
    quality: WEBP_QUALITIES[index % WEBP_QUALITIES.length],
  }));
  const jpegs = Array.from({ length: jpegCount }, (_, index): ImageSpec => ({
    format: 'jpeg',
    megapixels: JPEG_MEGAPIXELS[index % JPEG_MEGAPIXELS.length],
    aspectRatio: aspectRatio(index),
    quality: JPEG_QUALITIES[index % JPEG_QUALITIES.length],
  }));
  const specs: ImageSpec[] = [...pngs];
  const every = Math.ceil(jpegCount / webpCount);
  jpegs.forEach((jpeg, index) => {
    specs.push(jpeg);
    const webp = index % every === every - 1 ? webps.shift() : undefined;
    if (webp) specs.push(webp);
  });
  specs.push(...webps);
  return specs;
}

export async function generateImages(count: number): Promise<BenchImage[]> {
  const specs = imageSpecs(count);
  const images = new Array<BenchImage>(specs.length);
  // Each image has its own seed, so the set is the same whatever order the images finish in.
  await runPool(specs, availableParallelism(), async (spec, index) => {
    images[index] = await generateImage(spec, index + 1);
  });
  return images;
}

async function generateImage(spec: ImageSpec, seed: number): Promise<BenchImage> {
  // Even dimensions, so that 4:2:0 chroma has no half-covered edge blocks.
  const width = Math.round(Math.sqrt(spec.megapixels * 1e6 * spec.aspectRatio) / 2) * 2;
  const height = Math.round(width / spec.aspectRatio / 2) * 2;
  const random = new SeededRandom(seed);
  const finish = spec.format === 'png' ? RETOUCHED : AS_SHOT;
  const pixels = await photoPixels(width, height, random, finish);
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  let data: Buffer;
  switch (spec.format) {
    case 'jpeg':
      // libjpeg's standard tables, as cameras and most editors write them.
      data = await image.jpeg({ quality: spec.quality, quantisationTable: 0 }).toBuffer();
      break;
    case 'webp':
      data = await image.webp({ quality: spec.quality }).toBuffer();
      break;
    case 'png':
      data = await image
        .composite([{ input: silhouette(width, height, random), blend: 'dest-in' }])
        .png()
        .toBuffer();
      break;
  }
  return {
    name: `${String(seed).padStart(3, '0')}-${spec.megapixels}mp.${EXTENSIONS[spec.format]}`,
    format: spec.format,
    contentType: CONTENT_TYPES[spec.format],
    width,
    height,
    megapixels: (width * height) / 1e6,
    quality: spec.quality,
    data,
  };
}

/** Backdrop grid: a few cells across, so colour changes slowly over the frame. */
const GRID_WIDTH = 6;
const GRID_HEIGHT = 5;
/**
 * The backdrop and the shapes behind the objects are drawn at this fraction of the size and
 * enlarged, which softens their edges the way a shallow depth of field does, at no cost.
 */
const OUT_OF_FOCUS_SCALE = 1 / 8;
const OUT_OF_FOCUS_SHAPES = 10;
const OBJECTS = 6;
const LABEL_ROWS = 7;
const LABEL_WORDS_PER_ROW = 6;
const THIN_LINES = 5;
/** Texture: noise at two scales, 2 px and 12 px, mixed in these amounts. */
const FINE_TEXTURE_AMPLITUDE = 80;
const COARSE_TEXTURE_AMPLITUDE = 45;
const COARSE_TEXTURE_SCALE = 1 / 12;
/** The objects' material takes this share of the texture the surface has. */
const MATERIAL_TEXTURE_SHARE = 0.6;
/**
 * Grain comes from one 32-bit draw per pixel: luma from the sum of four 4-bit numbers, chroma
 * from the sum of two 2-bit numbers per channel; both are close to normal, with these σ.
 */
const LUMA_DRAW_SIGMA = Math.sqrt((4 * (16 * 16 - 1)) / 12);
const CHROMA_DRAW_SIGMA = Math.sqrt((2 * (4 * 4 - 1)) / 12);

/** How a picture was finished. */
interface Finish {
  textured: boolean;
  /** Grain σ in luma, shared by the channels, and in each channel on its own. */
  lumaGrain: number;
  chromaGrain: number;
}

const AS_SHOT: Finish = { textured: true, lumaGrain: 3, chromaGrain: 1 };
/**
 * Cut-outs: surroundings discarded, noise cleaned up. Noise-like detail is what costs the
 * service's palette quantisation most: over a second per megapixel of full-frame photograph.
 */
const RETOUCHED: Finish = { textured: false, lumaGrain: 1.5, chromaGrain: 0.5 };

interface Colour {
  hue: number;
  saturation: number;
  lightness: number;
}

interface Texture {
  /** Grey, 128 for none, over the whole frame. */
  pixels: Buffer;
  /** The surface lies below this line: its height at the left edge, in pixels, and its slope. */
  horizon: number;
  tilt: number;
}

/** The scene in raw RGB. */
async function photoPixels(
  width: number,
  height: number,
  random: SeededRandom,
  finish: Finish,
): Promise<Buffer> {
  const palette = scenePalette(random);
  const [background, objects, texture] = await Promise.all([
    drawBackground(width, height, palette, random.fork()),
    drawObjects(width, height, palette, random.fork()),
    finish.textured ? drawTexture(width, height, random.fork()) : null,
  ]);
  compose(background, objects, texture, finish, width, random.fork());
  return background;
}

/** One main hue with its neighbours and, for contrast, its complement. */
function scenePalette(random: SeededRandom): Colour[] {
  const hue = random.between(0, 360);
  return Array.from({ length: 8 }, (_, index) => ({
    hue: (hue + (index === 7 ? 180 : random.between(-35, 35)) + 360) % 360,
    saturation: random.between(0.05, 0.45),
    lightness: random.between(0.25, 0.85),
  }));
}

/** A smooth backdrop with out-of-focus shapes; raw RGB. */
async function drawBackground(
  width: number,
  height: number,
  palette: Colour[],
  random: SeededRandom,
): Promise<Buffer> {
  const smallWidth = Math.max(GRID_WIDTH, Math.round(width * OUT_OF_FOCUS_SCALE));
  const smallHeight = Math.max(GRID_HEIGHT, Math.round(height * OUT_OF_FOCUS_SCALE));
  const grid = Buffer.alloc(GRID_WIDTH * GRID_HEIGHT * 3);
  for (let offset = 0; offset < grid.length; offset += 3) {
    const colour = random.pick(palette);
    const lightness = Math.min(0.95, colour.lightness * random.between(0.8, 1.1));
    grid.set(rgb({ ...colour, lightness }), offset);
  }
  const shapes = svg(
    smallWidth,
    smallHeight,
    outOfFocusShapes(smallWidth, smallHeight, palette, random),
  );
  const small = await sharp(grid, { raw: { width: GRID_WIDTH, height: GRID_HEIGHT, channels: 3 } })
    .resize(smallWidth, smallHeight, { kernel: 'cubic' })
    .composite([{ input: shapes }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return sharp(small, { raw: { width: smallWidth, height: smallHeight, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
}

/** The objects in focus over a transparent frame; raw RGBA. */
function drawObjects(
  width: number,
  height: number,
  palette: Colour[],
  random: SeededRandom,
): Promise<Buffer> {
  return sharp(svg(width, height, objectShapes(width, height, palette, random)))
    .ensureAlpha()
    .raw()
    .toBuffer();
}

function outOfFocusShapes(
  width: number,
  height: number,
  palette: Colour[],
  random: SeededRandom,
): string {
  const side = Math.min(width, height);
  const shapes: string[] = [];
  for (let index = 0; index < OUT_OF_FOCUS_SHAPES; index++) {
    const colour = random.pick(palette);
    shapes.push(
      `<ellipse cx="${coordinate(random.between(0, width))}" cy="${coordinate(random.between(0, height))}" ` +
        `rx="${coordinate(random.between(0.05, 0.25) * side)}" ry="${coordinate(random.between(0.05, 0.25) * side)}" ` +
        `fill="${cssColour(colour)}" fill-opacity="${random.between(0.3, 0.8).toFixed(2)}"/>`,
    );
  }
  return shapes.join('');
}

/** Products with shading and outlines, some carrying a label, and a few thin lines. */
function objectShapes(
  width: number,
  height: number,
  palette: Colour[],
  random: SeededRandom,
): string {
  const side = Math.min(width, height);
  const gradients: string[] = [];
  const shapes: string[] = [];
  for (let index = 0; index < OBJECTS; index++) {
    const colour = random.pick(palette);
    const id = `shade${index}`;
    gradients.push(
      `<linearGradient id="${id}" x1="0" y1="0" x2="${random.between(0.5, 1).toFixed(2)}" y2="${random.between(0, 0.5).toFixed(2)}">` +
        `<stop offset="0" stop-color="${cssColour({ ...colour, lightness: Math.min(0.95, colour.lightness + 0.2) })}"/>` +
        `<stop offset="1" stop-color="${cssColour({ ...colour, lightness: colour.lightness * 0.5 })}"/>` +
        `</linearGradient>`,
    );
    const objectWidth = random.between(0.15, 0.4) * side;
    const objectHeight = random.between(0.2, 0.6) * side;
    const x = random.between(0, width - objectWidth);
    const y = random.between(0.1 * height, height - objectHeight);
    const outline = `stroke="${cssColour({ ...colour, lightness: colour.lightness * 0.35 })}" stroke-width="${coordinate(side * 0.004)}"`;
    shapes.push(
      index % 2 === 0
        ? `<rect x="${coordinate(x)}" y="${coordinate(y)}" width="${coordinate(objectWidth)}" height="${coordinate(objectHeight)}" ` +
            `rx="${coordinate(objectWidth * random.between(0, 0.3))}" fill="url(#${id})" ${outline}/>`
        : `<ellipse cx="${coordinate(x + objectWidth / 2)}" cy="${coordinate(y + objectHeight / 2)}" ` +
            `rx="${coordinate(objectWidth / 2)}" ry="${coordinate(objectHeight / 2)}" fill="url(#${id})" ${outline}/>`,
    );
    if (index % 3 === 0) shapes.push(label(x, y, objectWidth, objectHeight, random));
  }
  for (let index = 0; index < THIN_LINES; index++) {
    shapes.push(
      `<line x1="${coordinate(random.between(0, width))}" y1="${coordinate(random.between(0, height))}" ` +
        `x2="${coordinate(random.between(0, width))}" y2="${coordinate(random.between(0, height))}" ` +
        `stroke="${cssColour(random.pick(palette))}" stroke-width="${coordinate(side * random.between(0.001, 0.004))}"/>`,
    );
  }
  return `<defs>${gradients.join('')}</defs>${shapes.join('')}`;
}

/** A pale panel with rows of dark word-like marks: the small sharp detail of printed text. */
function label(x: number, y: number, width: number, height: number, random: SeededRandom): string {
  const left = x + width * 0.15;
  const top = y + height * 0.3;
  const panelWidth = width * 0.7;
  const rowHeight = (height * 0.4) / LABEL_ROWS;
  const marks = [
    `<rect x="${coordinate(left)}" y="${coordinate(top)}" width="${coordinate(panelWidth)}" ` +
      `height="${coordinate(rowHeight * LABEL_ROWS)}" fill="rgb(238,236,230)"/>`,
  ];
  for (let row = 0; row < LABEL_ROWS; row++) {
    let wordLeft = left + panelWidth * 0.05;
    for (let word = 0; word < LABEL_WORDS_PER_ROW; word++) {
      const wordWidth = (panelWidth / LABEL_WORDS_PER_ROW) * random.between(0.3, 0.8);
      if (wordLeft + wordWidth > left + panelWidth * 0.95) break;
      marks.push(
        `<rect x="${coordinate(wordLeft)}" y="${coordinate(top + row * rowHeight + rowHeight * 0.25)}" ` +
          `width="${coordinate(wordWidth)}" height="${coordinate(rowHeight * 0.5)}" fill="rgb(40,38,36)"/>`,
      );
      wordLeft += wordWidth + panelWidth * 0.04;
    }
  }
  return marks.join('');
}

/**
 * Coarse and fine noise, each enlarged so that it is smooth at its own scale, and where the
 * surface that shows it at full strength begins.
 */
async function drawTexture(width: number, height: number, random: SeededRandom): Promise<Texture> {
  const halfWidth = Math.ceil(width / 2);
  const halfHeight = Math.ceil(height / 2);
  const coarseWidth = Math.max(2, Math.round(width * COARSE_TEXTURE_SCALE));
  const coarseHeight = Math.max(2, Math.round(height * COARSE_TEXTURE_SCALE));
  const coarseNoise = Buffer.alloc(coarseWidth * coarseHeight);
  for (let index = 0; index < coarseNoise.length; index++) {
    coarseNoise[index] = random.uint32() & 0xff;
  }
  const coarse = await greyResize(coarseNoise, coarseWidth, coarseHeight, halfWidth, halfHeight);
  // Clamped and rounded on write.
  const half = new Uint8ClampedArray(halfWidth * halfHeight);
  for (let index = 0; index < half.length; index++) {
    const fine = ((random.uint32() & 0xff) - 128) / 128;
    const coarseValue = (coarse[index] - 128) / 128;
    half[index] = 128 + fine * FINE_TEXTURE_AMPLITUDE + coarseValue * COARSE_TEXTURE_AMPLITUDE;
  }
  return {
    pixels: await greyResize(Buffer.from(half.buffer), halfWidth, halfHeight, width, height),
    horizon: random.between(0.25, 0.5) * height,
    tilt: random.between(-0.15, 0.15),
  };
}

function greyResize(
  pixels: Buffer,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .resize(toWidth, toHeight, { kernel: 'cubic' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
}

/**
 * Lays the texture into the surface at full strength and into the objects' material at less,
 * the objects over the background, then grain over all, in place in `background`.
 */
function compose(
  background: Buffer,
  objects: Buffer,
  texture: Texture | null,
  finish: Finish,
  width: number,
  random: SeededRandom,
): void {
  const lumaScale = finish.lumaGrain / LUMA_DRAW_SIGMA;
  const chromaScale = finish.chromaGrain / CHROMA_DRAW_SIGMA;
  // Clamped and rounded on write.
  const channels = new Uint8ClampedArray(
    background.buffer,
    background.byteOffset,
    background.length,
  );
  const pixelCount = background.length / 3;
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    const x = pixel % width;
    const y = (pixel - x) / width;
    const offset = pixel * 3;
    const objectOffset = pixel * 4;
    const coverage = objects[objectOffset + 3] / 255;
    const detail = texture === null ? 0 : texture.pixels[pixel] - 128;
    const surface = texture !== null && y >= texture.horizon + texture.tilt * x ? detail : 0;
    const material = detail * MATERIAL_TEXTURE_SHARE;
    const bits = random.uint32();
    const grain =
      ((bits & 15) + ((bits >>> 4) & 15) + ((bits >>> 8) & 15) + ((bits >>> 12) & 15) - 30) *
      lumaScale;
    for (let channel = 0; channel < 3; channel++) {
      const behind = background[offset + channel] + surface;
      const front = objects[objectOffset + channel] + material;
      const chromaBits = bits >>> (16 + channel * 4);
      channels[offset + channel] =
        behind +
        (front - behind) * coverage +
        grain +
        ((chromaBits & 3) + ((chromaBits >>> 2) & 3) - 3) * chromaScale;
    }
  }
}

/** The product cut out of the frame: everything outside it becomes transparent. */
function silhouette(width: number, height: number, random: SeededRandom): Buffer {
  const cx = width / 2;
  const cy = height / 2;
  const shapeWidth = width * random.between(0.45, 0.65);
  const shapeHeight = height * random.between(0.55, 0.75);
  return svg(
    width,
    height,
    `<rect x="${coordinate(cx - shapeWidth / 2)}" y="${coordinate(cy - shapeHeight / 2)}" ` +
      `width="${coordinate(shapeWidth)}" height="${coordinate(shapeHeight)}" ` +
      `rx="${coordinate(shapeWidth * 0.3)}" fill="#fff"/>`,
  );
}

function svg(width: number, height: number, content: string): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${content}</svg>`,
  );
}

function coordinate(value: number): string {
  return value.toFixed(1);
}

function cssColour(colour: Colour): string {
  const [red, green, blue] = rgb(colour);
  return `rgb(${red},${green},${blue})`;
}

function rgb({ hue, saturation, lightness }: Colour): [number, number, number] {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (shift: number) => {
    const position = (shift + hue / 30) % 12;
    const value = lightness - chroma * Math.max(-1, Math.min(position - 3, 9 - position, 1));
    return Math.round(Math.min(1, Math.max(0, value)) * 255);
  };
  return [channel(0), channel(8), channel(4)];
}

/** xorshift32: fast, and without the striping a low-bit LCG leaves in the grain. */
class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = Math.imul(seed, 2654435761) >>> 0 || 1;
  }

  uint32(): number {
    let state = this.state;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    this.state = state >>> 0;
    return this.state;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (this.uint32() / 4294967296) * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.uint32() % items.length];
  }

  /** An independent stream, so that work drawn in parallel stays deterministic. */
  fork(): SeededRandom {
    return new SeededRandom(this.uint32());
  }
}
