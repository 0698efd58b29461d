/** The formats the service reads and writes, each with how it is stored and served. */
export const IMAGE_FORMATS = {
  jpeg: { name: 'JPEG', extension: 'jpg', contentType: 'image/jpeg' },
  png: { name: 'PNG', extension: 'png', contentType: 'image/png' },
  webp: { name: 'WebP', extension: 'webp', contentType: 'image/webp' },
  gif: { name: 'GIF', extension: 'gif', contentType: 'image/gif' },
  avif: { name: 'AVIF', extension: 'avif', contentType: 'image/avif' },
} as const;

export type ImageFormat = keyof typeof IMAGE_FORMATS;
