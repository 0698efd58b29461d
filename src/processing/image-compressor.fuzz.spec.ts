import sharp, { Sharp } from 'sharp';
import { crc32 } from 'zlib';
import { ImageCompressor, UnsupportedImageError } from './image-compressor';
import { seededRandom } from '../../test/helpers/hostile-images';

/**
 * Mutants of valid images of every format, made from a fixed seed, go through the compressor's
 * real entry point. Each must be refused with an UnsupportedImageError or come out as an image
 * that sharp decodes and that carries no metadata, judged here without the service's walkers.
 */
const SEED = 0x5eed_2026;
const MUTANTS_PER_SOURCE = 60;
/** A hang, not a slow machine: a mutant of a 32×24 image takes milliseconds to compress. */
const HANG_MS = 60_000;
const SECRET = 'FUZZ-SECRET';
const EXIF = { IFD0: { Copyright: SECRET } };
const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  `<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="${SECRET}"/>` +
  '</rdf:RDF></x:xmpmeta>';
const METADATA_SIGNATURES = ['Exif\0\0', '<x:xmpmeta', 'http://ns.adobe.com/xap/', SECRET];

type Random = () => number;

const below = (random: Random, limit: number) => Math.floor(random() * limit);
const pick = <T>(random: Random, items: readonly T[]): T => items[below(random, items.length)];

/** A chunk, box, segment or block, and the length field that says where it ends. */
interface Unit {
  start: number;
  end: number;
  lengthOffset: number;
  lengthBytes: 1 | 2 | 4;
  littleEndian: boolean;
}

/** Builds valid files and lists their units; shares no code with the service's walkers. */
interface Source {
  name: string;
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';
  build(): Promise<Buffer>;
}

/**
 * Noise, so that re-encoding often gives no fewer bytes and the compressor's route that keeps
 * or strips the source is taken too.
 */
function noise(width = 32, height = 24, shift = 0): Sharp {
  const random = seededRandom(SEED + shift);
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = random() * 256;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

async function animationFrames(): Promise<Buffer[]> {
  return Promise.all([0, 80, 160].map((shift) => noise(32, 24, shift).png().toBuffer()));
}

function pngChunk(type: string, payload: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payload.length);
  const typeAndPayload = Buffer.concat([Buffer.from(type, 'latin1'), payload]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndPayload));
  return Buffer.concat([length, typeAndPayload, checksum]);
}

/** Inserts text chunks after IHDR (8-byte signature, then 25 bytes of IHDR). */
function withPngText(png: Buffer): Buffer {
  const afterHeader = 8 + 25;
  return Buffer.concat([
    png.subarray(0, afterHeader),
    pngChunk('tEXt', Buffer.from(`Comment\0${SECRET}`, 'latin1')),
    pngChunk('iTXt', Buffer.from(`Author\0\0\0\0\0${SECRET}`, 'latin1')),
    png.subarray(afterHeader),
  ]);
}

function withJpegComment(jpeg: Buffer): Buffer {
  const text = Buffer.from(SECRET, 'latin1');
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, text, jpeg.subarray(2)]);
}

/** Inserts a comment extension after the logical screen descriptor and global colour table. */
function withGifComment(gif: Buffer): Buffer {
  const packed = gif[10];
  const tableBytes = packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
  const at = 13 + tableBytes;
  const text = Buffer.from(SECRET, 'latin1');
  const comment = Buffer.concat([Buffer.from([0x21, 0xfe, text.length]), text, Buffer.from([0])]);
  return Buffer.concat([gif.subarray(0, at), comment, gif.subarray(at)]);
}

const SOURCES: Source[] = [
  {
    name: 'JPEG with EXIF, XMP, ICC and a comment',
    format: 'jpeg',
    build: async () =>
      withJpegComment(
        await noise(128, 96)
          .withExif(EXIF)
          .withXmp(XMP)
          .withIccProfile('p3')
          .jpeg({ quality: 2 })
          .toBuffer(),
      ),
  },
  {
    name: 'PNG with text chunks and eXIf',
    format: 'png',
    build: async () => withPngText(await noise().withExif(EXIF).png().toBuffer()),
  },
  {
    name: 'simple lossy WebP',
    format: 'webp',
    build: () => noise().webp({ quality: 80 }).toBuffer(),
  },
  {
    name: 'extended WebP with EXIF and XMP',
    format: 'webp',
    build: () => noise().withExif(EXIF).withXmp(XMP).webp({ quality: 80 }).toBuffer(),
  },
  {
    name: 'lossless WebP',
    format: 'webp',
    build: () => noise().webp({ lossless: true }).toBuffer(),
  },
  {
    name: 'animated WebP',
    format: 'webp',
    build: async () =>
      sharp(await animationFrames(), { join: { animated: true } })
        .webp({ quality: 80, loop: 0 })
        .toBuffer(),
  },
  {
    name: 'static GIF with a comment',
    format: 'gif',
    build: async () => withGifComment(await noise().gif().toBuffer()),
  },
  {
    name: 'animated GIF with a comment',
    format: 'gif',
    build: async () =>
      withGifComment(
        await sharp(await animationFrames(), { join: { animated: true } })
          .gif({ loop: 0 })
          .toBuffer(),
      ),
  },
  {
    name: 'AVIF with EXIF',
    format: 'avif',
    build: () => noise().withExif(EXIF).avif({ quality: 60, effort: 0 }).toBuffer(),
  },
];

function jpegUnits(jpeg: Buffer): Unit[] {
  const units: Unit[] = [];
  let offset = 2;
  while (offset + 4 <= jpeg.length && jpeg[offset] === 0xff) {
    const marker = jpeg[offset + 1];
    const end = offset + 2 + jpeg.readUInt16BE(offset + 2);
    units.push({
      start: offset,
      end,
      lengthOffset: offset + 2,
      lengthBytes: 2,
      littleEndian: false,
    });
    if (marker === 0xda) break;
    offset = end;
  }
  return units;
}

function pngUnits(png: Buffer): Unit[] {
  const units: Unit[] = [];
  for (let offset = 8; offset + 12 <= png.length;) {
    const end = offset + 12 + png.readUInt32BE(offset);
    units.push({ start: offset, end, lengthOffset: offset, lengthBytes: 4, littleEndian: false });
    offset = end;
  }
  return units;
}

function webpUnits(webp: Buffer, start = 12, end = webp.length): Unit[] {
  const units: Unit[] = [];
  for (let offset = start; offset + 8 <= end;) {
    const length = webp.readUInt32LE(offset + 4);
    const unitEnd = offset + 8 + length + (length % 2);
    units.push({
      start: offset,
      end: unitEnd,
      lengthOffset: offset + 4,
      lengthBytes: 4,
      littleEndian: true,
    });
    if (webp.toString('latin1', offset, offset + 4) === 'ANMF') {
      units.push(...webpUnits(webp, offset + 24, Math.min(unitEnd, end)));
    }
    offset = unitEnd;
  }
  return units;
}

/** Every extension and image block, with the size byte of its first sub-block as its length. */
function gifUnits(gif: Buffer): Unit[] {
  const tableBytes = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);
  const skipSubBlocks = (from: number) => {
    let offset = from;
    while (offset < gif.length && gif[offset] !== 0) offset += 1 + gif[offset];
    return offset + 1;
  };
  const units: Unit[] = [];
  let offset = 13 + tableBytes(gif[10]);
  while (offset < gif.length && gif[offset] !== 0x3b) {
    const firstSubBlock =
      gif[offset] === 0x21 ? offset + 2 : offset + 10 + tableBytes(gif[offset + 9]) + 1;
    const end = skipSubBlocks(firstSubBlock);
    units.push({
      start: offset,
      end,
      lengthOffset: firstSubBlock,
      lengthBytes: 1,
      littleEndian: false,
    });
    offset = end;
  }
  return units;
}

const AVIF_CONTAINERS: Record<string, number> = { meta: 4, iinf: 6, iprp: 0, ipco: 0, dinf: 0 };

function avifUnits(avif: Buffer, start = 0, end = avif.length): Unit[] {
  const units: Unit[] = [];
  for (let offset = start; offset + 8 <= end;) {
    const size = avif.readUInt32BE(offset);
    const unitEnd = size === 0 ? end : offset + size;
    units.push({
      start: offset,
      end: unitEnd,
      lengthOffset: offset,
      lengthBytes: 4,
      littleEndian: false,
    });
    const headerBytes = AVIF_CONTAINERS[avif.toString('latin1', offset + 4, offset + 8)];
    if (headerBytes !== undefined && size >= 8) {
      units.push(...avifUnits(avif, offset + 8 + headerBytes, Math.min(unitEnd, end)));
    }
    if (size < 8) break;
    offset = unitEnd;
  }
  return units;
}

function unitsOf(file: Buffer, format: Source['format']): Unit[] {
  switch (format) {
    case 'jpeg':
      return jpegUnits(file);
    case 'png':
      return pngUnits(file);
    case 'webp': {
      const riff: Unit = {
        start: 0,
        end: file.length,
        lengthOffset: 4,
        lengthBytes: 4,
        littleEndian: true,
      };
      return [riff, ...webpUnits(file)];
    }
    case 'gif':
      return gifUnits(file);
    case 'avif':
      return avifUnits(file);
  }
}

function writeLength(file: Buffer, unit: Unit, value: number): void {
  const max = 2 ** (8 * unit.lengthBytes) - 1;
  const clamped = Math.min(Math.max(value, 0), max);
  if (unit.lengthBytes === 1) file[unit.lengthOffset] = clamped;
  else if (unit.lengthBytes === 2) file.writeUInt16BE(clamped, unit.lengthOffset);
  else if (unit.littleEndian) file.writeUInt32LE(clamped, unit.lengthOffset);
  else file.writeUInt32BE(clamped, unit.lengthOffset);
}

function readLength(file: Buffer, unit: Unit): number {
  if (unit.lengthBytes === 1) return file[unit.lengthOffset];
  if (unit.lengthBytes === 2) return file.readUInt16BE(unit.lengthOffset);
  return unit.littleEndian
    ? file.readUInt32LE(unit.lengthOffset)
    : file.readUInt32BE(unit.lengthOffset);
}

function avifBox(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/** The `meta` box wrapped in `depth` more `meta` boxes, each one's size exact. */
function nestedMetaLoop(avif: Buffer, units: Unit[], depth: number): Buffer {
  const meta = units.find(
    (unit) => avif.toString('latin1', unit.start + 4, unit.start + 8) === 'meta',
  );
  if (!meta) return avif;
  let nested = avif.subarray(meta.start, meta.end);
  for (let level = 0; level < depth; level++) {
    nested = avifBox('meta', Buffer.concat([Buffer.alloc(4), nested]));
  }
  return Buffer.concat([avif.subarray(0, meta.start), nested, avif.subarray(meta.end)]);
}

/** A `meta` box whose `iref` makes the primary item derive from itself, and twice from item 2. */
function selfReferencingItems(avif: Buffer, units: Unit[]): Buffer {
  const meta = units.find(
    (unit) => avif.toString('latin1', unit.start + 4, unit.start + 8) === 'meta',
  );
  if (!meta) return avif;
  const reference = (type: string, from: number, to: number[]) => {
    const payload = Buffer.alloc(4 + to.length * 2);
    payload.writeUInt16BE(from, 0);
    payload.writeUInt16BE(to.length, 2);
    to.forEach((id, index) => payload.writeUInt16BE(id, 4 + index * 2));
    return avifBox(type, payload);
  };
  const iref = avifBox(
    'iref',
    Buffer.concat([Buffer.alloc(4), reference('dimg', 1, [1]), reference('auxl', 1, [2, 2])]),
  );
  const mutant = Buffer.concat([avif.subarray(0, meta.end), iref, avif.subarray(meta.end)]);
  mutant.writeUInt32BE(meta.end - meta.start + iref.length, meta.start);
  return mutant;
}

type Mutation = (file: Buffer, units: Unit[], random: Random) => [string, Buffer];

const MUTATIONS: Mutation[] = [
  (file, _units, random) => {
    const length = below(random, file.length);
    return [`truncated to ${length} bytes`, file.subarray(0, length)];
  },
  (file, _units, random) => {
    const mutant = Buffer.from(file);
    const flips = 1 + below(random, 8);
    const offsets: number[] = [];
    for (let flip = 0; flip < flips; flip++) {
      const offset = below(random, mutant.length);
      mutant[offset] ^= 1 << below(random, 8);
      offsets.push(offset);
    }
    return [`bits flipped at ${offsets.join(', ')}`, mutant];
  },
  (file, units, random) => {
    const mutant = Buffer.from(file);
    const unit = pick(random, units);
    const original = readLength(mutant, unit);
    const lie = pick(random, [
      0,
      Number.MAX_SAFE_INTEGER,
      original - 3,
      original - 1,
      original + 1,
      original + 4,
    ]);
    writeLength(mutant, unit, lie);
    return [
      `length at ${unit.lengthOffset} changed from ${original} to ${readLength(mutant, unit)}`,
      mutant,
    ];
  },
  (file, units, random) => {
    const mutant = Buffer.from(file);
    const unit = pick(random, units);
    writeLength(mutant, unit, 0);
    return [`length at ${unit.lengthOffset} zeroed`, mutant];
  },
  (file, units, random) => {
    const unit = pick(random, units);
    const copy = file.subarray(unit.start, Math.min(unit.end, file.length));
    const mutant = Buffer.concat([file.subarray(0, unit.end), copy, file.subarray(unit.end)]);
    return [`unit at ${unit.start} duplicated`, mutant];
  },
];

const AVIF_MUTATIONS: Mutation[] = [
  (file, units, random) => {
    const depth = pick(random, [2, 64, 10_000]);
    return [`meta nested ${depth} deep`, nestedMetaLoop(file, units, depth)];
  },
  (file, units) => ['items referencing themselves', selfReferencingItems(file, units)],
];

/** Whether a block walk of the GIF meets a comment or plain text extension. */
function gifHasMetadataBlock(gif: Buffer): boolean {
  return gifUnits(gif).some(
    (unit) => gif[unit.start] === 0x21 && [0xfe, 0x01].includes(gif[unit.start + 1]),
  );
}

/** What in a compressed image a reader would take for metadata; empty when there is none. */
function metadataIn(image: Buffer, format: Source['format']): string[] {
  const found = METADATA_SIGNATURES.filter((signature) => image.includes(signature, 0, 'latin1'));
  const typeOf = (unit: Unit, at: number) =>
    image.toString('latin1', unit.start + at, unit.start + at + 4);
  switch (format) {
    case 'jpeg':
      for (const unit of jpegUnits(image)) {
        const marker = image[unit.start + 1];
        if (marker === 0xe1 || marker === 0xfe) found.push(`JPEG marker FF ${marker.toString(16)}`);
      }
      break;
    case 'png':
      for (const unit of pngUnits(image)) {
        if (['tEXt', 'zTXt', 'iTXt', 'eXIf'].includes(typeOf(unit, 4))) found.push(typeOf(unit, 4));
      }
      break;
    case 'webp':
      for (const unit of webpUnits(image)) {
        if (['EXIF', 'XMP '].includes(typeOf(unit, 0))) found.push(typeOf(unit, 0));
      }
      break;
    case 'gif':
      if (gifHasMetadataBlock(image)) found.push('a GIF comment or text block');
      break;
    case 'avif':
      break;
  }
  return found;
}

async function withinHangLimit<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle in ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Null when the mutant was handled cleanly, else what went wrong. */
async function judge(
  compressor: ImageCompressor,
  mutant: Buffer,
  format: Source['format'],
  what: string,
): Promise<string | null> {
  let data: Buffer;
  try {
    ({ data } = await withinHangLimit(compressor.compress(mutant), what));
  } catch (error) {
    if (error instanceof UnsupportedImageError) return null;
    return `${what}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
  const metadata = metadataIn(data, format);
  if (metadata.length > 0) return `${what}: stored with ${metadata.join(', ')}`;
  try {
    await sharp(data, { failOn: 'error', animated: true }).raw().toBuffer();
  } catch (error) {
    return `${what}: stored an image sharp cannot decode (${String(error)})`;
  }
  return null;
}

describe('ImageCompressor on mutants of valid images (seeded fuzz)', () => {
  const compressor = new ImageCompressor({ profile: 'fastest', concurrency: 2 });

  it('sees the metadata of the sources, so that a leak cannot pass unseen', async () => {
    const withMetadata = SOURCES.filter(
      (source) => !/^(simple|lossless|animated WebP)/.test(source.name),
    );
    for (const source of withMetadata) {
      expect([source.name, metadataIn(await source.build(), source.format)]).not.toEqual([
        source.name,
        [],
      ]);
    }
  });

  it.each(SOURCES.map((source, index) => [source.name, source, index] as const))(
    '%s: every mutant is refused cleanly or stored decodable and without metadata',
    async (_name, source, index) => {
      const original = await source.build();
      const units = unitsOf(original, source.format);
      const random = seededRandom(SEED + index);
      const mutations = source.format === 'avif' ? [...MUTATIONS, ...AVIF_MUTATIONS] : MUTATIONS;
      const failures: string[] = [];

      for (let count = 0; count < MUTANTS_PER_SOURCE; count++) {
        const [what, mutant] = mutations[count % mutations.length](original, units, random);
        const failure = await judge(compressor, mutant, source.format, `mutant ${count}, ${what}`);
        if (failure) failures.push(failure);
      }

      expect(units.length).toBeGreaterThan(1);
      expect(await judge(compressor, original, source.format, 'the original')).toBeNull();
      expect(failures).toEqual([]);
    },
  );
});
