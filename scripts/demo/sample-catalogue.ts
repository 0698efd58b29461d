/**
 * The demo's sample batch: three products with two photos each (four JPEG, one PNG cut-out on a
 * transparent background, one WebP), drawn with the benchmark's photo generator so that they
 * compress as product photographs do, and the products CSV that points at them.
 */
import { BenchFormat, generateImages, imageSpecs } from '../../bench/photo-corpus';

export interface SampleImage {
  /** The path it is served at, without the leading slash. */
  fileName: string;
  contentType: string;
  data: Buffer;
}

const PRODUCTS = ['Desk Lamp', 'Canvas Tote', 'Water Bottle'];
const PHOTOS_PER_PRODUCT = 2;
const IMAGE_COUNT = PRODUCTS.length * PHOTOS_PER_PRODUCT;
const EXTENSIONS: Record<BenchFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** File names in CSV order: `desk-lamp-1.png`, `desk-lamp-2.jpg`, ... */
function sampleFileNames(): string[] {
  return imageSpecs(IMAGE_COUNT).map((spec, index) => {
    const product = PRODUCTS[Math.floor(index / PHOTOS_PER_PRODUCT)];
    const photo = (index % PHOTOS_PER_PRODUCT) + 1;
    return `${slug(product)}-${photo}.${EXTENSIONS[spec.format]}`;
  });
}

export const SAMPLE_PRODUCT_COUNT = PRODUCTS.length;

/** The products CSV of the sample batch, its image URLs under `imagesBaseUrl`. */
export function sampleCsv(imagesBaseUrl: string): string {
  const names = sampleFileNames();
  const rows = PRODUCTS.map((product, index) => {
    const urls = names
      .slice(index * PHOTOS_PER_PRODUCT, (index + 1) * PHOTOS_PER_PRODUCT)
      .map((name) => `${imagesBaseUrl}/${name}`);
    return `${index + 1},${product},"${urls.join(', ')}"`;
  });
  return ['S. No.,Product Name,Input Image Urls', ...rows, ''].join('\n');
}

/** The sample photos, the same on every run (0.5 to 3 megapixels; about half a second). */
export async function generateSampleImages(): Promise<SampleImage[]> {
  const names = sampleFileNames();
  const images = await generateImages(IMAGE_COUNT);
  return images.map((image, index) => ({
    fileName: names[index],
    contentType: image.contentType,
    data: image.data,
  }));
}
