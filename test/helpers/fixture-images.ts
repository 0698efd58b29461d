import sharp, { Sharp } from 'sharp';

/** A photo-like picture (gradients plus noise), so that compression has something to do. */
export function photo(width: number, height: number, seed = 1): Sharp {
  const channels = 3;
  const pixels = Buffer.alloc(width * height * channels);
  let state = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      const noise = (state >> 16) % 48;
      const offset = (y * width + x) * channels;
      pixels[offset] = ((x * 255) / width + noise) & 0xff;
      pixels[offset + 1] = ((y * 255) / height + noise) & 0xff;
      pixels[offset + 2] = (((x + y) * 127) / (width + height) + noise * 2) & 0xff;
    }
  }
  return sharp(pixels, { raw: { width, height, channels } });
}

export const jpegPhoto = async (width: number, height: number, quality = 95, seed = 1) =>
  photo(width, height, seed).jpeg({ quality, quantisationTable: 0 }).toBuffer();

export const pngPhoto = async (width: number, height: number, seed = 2) =>
  photo(width, height, seed).png().toBuffer();

export const webpPhoto = async (width: number, height: number, quality = 90, seed = 3) =>
  photo(width, height, seed).webp({ quality }).toBuffer();
