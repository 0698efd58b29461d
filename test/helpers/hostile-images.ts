import sharp, { Sharp } from 'sharp';

/**
 * Images that once got past the service with their metadata, or froze it, built byte by byte;
 * and a reader of metadata that shares no code with the service's own.
 */

/** An EXIF block with a GPS position and an owner: what must never reach a stored image. */
export const GPS_EXIF = {
  IFD0: { Copyright: 'SECRET-OWNER' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100' },
};
export const XMP_PACKET =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SECRET-TOOL"/>' +
  '</rdf:RDF></x:xmpmeta>';

/** Byte strings that only metadata holds, whatever the container. */
const METADATA_SIGNATURES = [
  'Exif\0\0',
  '<x:xmpmeta',
  'http://ns.adobe.com/xap/',
  'SECRET-OWNER',
  'SECRET-TOOL',
  'Photoshop 3.0\0',
];

/** Names of the chunks, boxes and items that hold metadata, per container. */
const METADATA_NAMES: Record<string, string[]> = {
  webp: ['EXIF', 'XMP '],
  png: ['eXIf', 'tEXt', 'zTXt', 'iTXt'],
  avif: ['Exif', 'mime'],
  jpeg: [],
  gif: [],
};

/** Deterministic pseudo-random bytes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** Noise, which no encoder can make much smaller. */
export function noise(width: number, height: number, seed = 7): Sharp {
  const random = seededRandom(seed);
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = random() * 256;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/**
 * What in `image` a reader would take for metadata, found by byte signatures and by the names of
 * the chunks and boxes that hold it; empty when there is none. Meant for small images, where a
 * four-letter name does not turn up by chance.
 */
export function metadataFoundIn(image: Buffer, format: string): string[] {
  const found = METADATA_SIGNATURES.filter((signature) => image.includes(signature, 0, 'latin1'));
  const names = (METADATA_NAMES[format] ?? []).filter((name) => image.includes(name, 12, 'latin1'));
  const gifComment = format === 'gif' && image.includes(Buffer.from([0x21, 0xfe]));
  return [...found, ...names, ...(gifComment ? ['a GIF comment'] : [])];
}

function riffChunk(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(type, 0, 'latin1');
  header.writeUInt32LE(payload.length, 4);
  return Buffer.concat([header, payload, Buffer.alloc(payload.length % 2)]);
}

/** The chunks of a WebP, in order, each with its payload. */
function webpChunks(webp: Buffer): { type: string; payload: Buffer }[] {
  const chunks = [];
  let offset = 12;
  while (offset + 8 <= webp.length) {
    const length = webp.readUInt32LE(offset + 4);
    chunks.push({
      type: webp.toString('latin1', offset, offset + 4),
      payload: webp.subarray(offset + 8, offset + 8 + length),
    });
    offset += 8 + length + (length % 2);
  }
  return chunks;
}

/**
 * A simple-format lossy WebP (its first chunk is `VP8 `, no `VP8X`) followed by an EXIF chunk
 * with a GPS position and an XMP chunk, the RIFF size corrected: 256×256 noise at quality 1, so
 * that re-encoding it gives more bytes than it has.
 */
export async function simpleWebpWithGpsAndXmp(): Promise<Buffer> {
  const extended = await noise(256, 256)
    .withExif(GPS_EXIF)
    .withXmp(XMP_PACKET)
    .webp({ quality: 1 })
    .toBuffer();
  const chunks = webpChunks(extended);
  const payloadOf = (type: string) => chunks.find((chunk) => chunk.type === type)!.payload;
  const body = Buffer.concat([
    riffChunk('VP8 ', payloadOf('VP8 ')),
    riffChunk('EXIF', payloadOf('EXIF')),
    riffChunk('XMP ', payloadOf('XMP ')),
  ]);
  const header = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  return Buffer.concat([header, body]);
}

/** Offset and end of the first box of `type` among the boxes from `start` to `end`. */
function findBox(file: Buffer, type: string, start: number, end: number): [number, number] {
  let offset = start;
  while (offset + 8 <= end) {
    const size = file.readUInt32BE(offset);
    if (file.toString('latin1', offset + 4, offset + 8) === type) return [offset, offset + size];
    offset += size;
  }
  throw new Error(`No ${type} box`);
}

/**
 * A sharp-made AVIF (512², quality 1, with EXIF) whose `iloc` entry for the EXIF item points at
 * offset 0, length 28: the `ftyp` box. sharp still decodes it.
 */
export async function avifWithExifItemOverFtyp(): Promise<Buffer> {
  const avif = Buffer.from(
    await noise(512, 512).withExif(GPS_EXIF).avif({ quality: 1 }).toBuffer(),
  );
  const [meta, metaEnd] = findBox(avif, 'meta', 0, avif.length);
  const [iinf] = findBox(avif, 'iinf', meta + 12, metaEnd);
  const exifInfe = avif.indexOf('Exif', iinf, 'latin1') - 8;
  // infe version 2: version and flags, then a 16-bit item id.
  const exifItemId = avif.readUInt16BE(exifInfe + 4);
  const [iloc] = findBox(avif, 'iloc', meta + 12, metaEnd);
  const version = avif[iloc + 8];
  const offsetSize = avif[iloc + 12] >> 4;
  const lengthSize = avif[iloc + 12] & 0x0f;
  const baseOffsetSize = avif[iloc + 13] >> 4;
  const itemCount = avif.readUInt16BE(iloc + 14);
  if (version !== 0 || offsetSize !== 4 || lengthSize !== 4) {
    throw new Error('This AVIF lays its iloc out differently from the one this test expects');
  }
  let entry = iloc + 16;
  for (let item = 0; item < itemCount; item++) {
    const itemId = avif.readUInt16BE(entry);
    const extentCount = avif.readUInt16BE(entry + 4 + baseOffsetSize);
    const extents = entry + 6 + baseOffsetSize;
    if (itemId === exifItemId) {
      if (baseOffsetSize === 4) avif.writeUInt32BE(0, entry + 4);
      avif.writeUInt32BE(0, extents);
      avif.writeUInt32BE(28, extents + 4);
      return avif;
    }
    entry = extents + extentCount * 8;
  }
  throw new Error('The AVIF has no iloc entry for its EXIF item');
}

/**
 * A valid GIF of 30,000,055 bytes, just under the 30 MiB download cap: the header and colour
 * table of a 16×16 image, then ten million empty comment extensions (`21 FE 00`), then the image
 * and the trailer. sharp decodes it.
 */
export async function gifWithTenMillionComments(): Promise<Buffer> {
  const gif = await sharp({
    create: { width: 16, height: 16, channels: 3, background: '#c0392b' },
  })
    .gif()
    .toBuffer();
  const screenEnd = 13 + (gif[10] & 0x80 ? 3 * 2 ** ((gif[10] & 0x07) + 1) : 0);
  const comments = Buffer.alloc(3 * 10_000_000);
  for (let offset = 0; offset < comments.length; offset += 3) {
    comments[offset] = 0x21;
    comments[offset + 1] = 0xfe;
  }
  return Buffer.concat([gif.subarray(0, screenEnd), comments, gif.subarray(screenEnd)]);
}
