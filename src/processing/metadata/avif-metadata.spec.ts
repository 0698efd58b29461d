import sharp, { Sharp } from 'sharp';
import { stripAvifMetadata } from './avif-metadata';
import { CannotStripMetadataError } from './cannot-strip-metadata.error';

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>PLANTED-XMP-CREATOR</dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

const EXIF = {
  IFD0: { Copyright: 'PLANTED-COPYRIGHT', Make: 'PLANTED-MAKE' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' },
};

function photo(): Sharp {
  const [width, height] = [48, 32];
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 37) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

interface Box {
  type: string;
  start: number;
  payloadStart: number;
  end: number;
}

function boxesIn(data: Buffer, start = 0, end = data.length): Box[] {
  const boxes: Box[] = [];
  for (let offset = start; offset < end;) {
    const size = data.readUInt32BE(offset);
    boxes.push({
      type: data.toString('latin1', offset + 4, offset + 8),
      start: offset,
      payloadStart: offset + 8,
      end: offset + size,
    });
    offset += size;
  }
  return boxes;
}

function boxAt(data: Buffer, path: string[]): Box {
  let boxes = boxesIn(data);
  let found: Box | undefined;
  for (const type of path) {
    found = boxes.find((box) => box.type === type);
    if (!found) throw new Error(`no ${path.join('/')} box`);
    const childrenStart = type === 'meta' ? found.payloadStart + 4 : found.payloadStart;
    if (type === 'meta' || type === 'iprp') boxes = boxesIn(data, childrenStart, found.end);
  }
  return found!;
}

const topLevelTypes = (avif: Buffer) => boxesIn(avif).map((box) => box.type);

/** Item types listed in iinf, in order. */
function itemTypesOf(avif: Buffer): string[] {
  const iinf = boxAt(avif, ['meta', 'iinf']);
  return boxesIn(avif, iinf.payloadStart + 6, iinf.end).map((infe) =>
    avif.toString('latin1', infe.payloadStart + 8, infe.payloadStart + 12),
  );
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.reduce((total, part) => total + part.length, 0));
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, ...payload]);
}

function fullBox(type: string, version: number, ...payload: Buffer[]): Buffer {
  return box(type, Buffer.from([version, 0, 0, 0]), ...payload);
}

function uint(value: number, bytes: number): Buffer {
  const data = Buffer.alloc(bytes);
  if (bytes === 8) data.writeBigUInt64BE(BigInt(value));
  else if (bytes > 0) data.writeUIntBE(value, 0, bytes);
  return data;
}

interface Item {
  id: number;
  type: string;
  contentType?: string;
  data: Buffer;
  storedIn: 'mdat' | 'idat';
  /** ipma association bytes. */
  properties?: Buffer;
}

interface AvifPlan {
  items: Item[];
  primaryId: number;
  references: { type: string; from: number; to: number[] }[];
  ilocVersion: 0 | 1 | 2;
  offsetSize: 4 | 8;
  baseOffsetSize: 0 | 4 | 8;
  /** Extents of these items start `shift` bytes into the mdat data, overlapping others. */
  overlap?: { id: number; shift: number };
  afterMeta?: Buffer[];
  afterMdat?: Buffer[];
  extraMetaChildren?: Buffer[];
}

/** What a real encoder wrote: the ftyp, handler, properties, and the AV1 image item. */
interface EncodedParts {
  ftyp: Buffer;
  hdlr: Buffer;
  ipco: Buffer;
  image: Item;
}

/** Takes an AVIF written by sharp apart, so that files of other layouts can be built from it. */
function partsOf(avif: Buffer): EncodedParts {
  const slice = (found: Box) => avif.subarray(found.start, found.end);
  const iloc = boxAt(avif, ['meta', 'iloc']);
  // sharp writes iloc version 0 with 4-byte offsets, lengths and base offsets; item 1 first.
  expect(avif.readUInt16BE(iloc.payloadStart + 4)).toBe(0x4440);
  const entry = iloc.payloadStart + 8;
  expect(avif.readUInt16BE(entry)).toBe(1);
  const base = avif.readUInt32BE(entry + 4);
  const offset = avif.readUInt32BE(entry + 10);
  const length = avif.readUInt32BE(entry + 14);
  const ipma = boxAt(avif, ['meta', 'iprp', 'ipma']);
  const firstEntry = ipma.payloadStart + 8;
  expect(avif.readUInt16BE(firstEntry)).toBe(1);
  const associations = avif[firstEntry + 2];
  return {
    ftyp: slice(boxAt(avif, ['ftyp'])),
    hdlr: slice(boxAt(avif, ['meta', 'hdlr'])),
    ipco: slice(boxAt(avif, ['meta', 'iprp', 'ipco'])),
    image: {
      id: 1,
      type: 'av01',
      data: avif.subarray(base + offset, base + offset + length),
      storedIn: 'mdat',
      properties: avif.subarray(firstEntry + 3, firstEntry + 3 + associations),
    },
  };
}

function buildAvif(parts: EncodedParts, plan: AvifPlan): Buffer {
  const idBytes = plan.ilocVersion === 2 ? 4 : 2;
  const mdatItems = plan.items.filter((item) => item.storedIn === 'mdat');
  const idatItems = plan.items.filter((item) => item.storedIn === 'idat');
  const positionIn = (items: Item[], id: number) => {
    const index = items.findIndex((item) => item.id === id);
    return items.slice(0, index).reduce((total, item) => total + item.data.length, 0);
  };

  const meta = (mdatDataStart: number) => {
    const ilocEntries = plan.items.map((item) => {
      const inIdat = item.storedIn === 'idat';
      const shift = plan.overlap?.id === item.id ? plan.overlap.shift : 0;
      const position = inIdat
        ? positionIn(idatItems, item.id)
        : mdatDataStart + positionIn(mdatItems, item.id) - shift;
      const baseOffset = plan.baseOffsetSize > 0 ? position : 0;
      return Buffer.concat([
        uint(item.id, idBytes),
        plan.ilocVersion > 0 ? uint(inIdat ? 1 : 0, 2) : Buffer.alloc(0),
        uint(0, 2),
        uint(baseOffset, plan.baseOffsetSize),
        uint(1, 2),
        uint(position - baseOffset, plan.offsetSize),
        uint(item.data.length, 4),
      ]);
    });
    const iloc = fullBox(
      'iloc',
      plan.ilocVersion,
      Buffer.from([(plan.offsetSize << 4) | 4, plan.baseOffsetSize << 4]),
      uint(plan.items.length, idBytes),
      ...ilocEntries,
    );
    const iinf = fullBox(
      'iinf',
      0,
      uint(plan.items.length, 2),
      ...plan.items.map((item) =>
        fullBox(
          'infe',
          2,
          uint(item.id, 2),
          uint(0, 2),
          Buffer.from(`${item.type}\0${item.contentType ? `${item.contentType}\0` : ''}`, 'latin1'),
        ),
      ),
    );
    const iref = fullBox(
      'iref',
      0,
      ...plan.references.map((reference) =>
        box(
          reference.type,
          uint(reference.from, 2),
          uint(reference.to.length, 2),
          ...reference.to.map((id) => uint(id, 2)),
        ),
      ),
    );
    const withProperties = plan.items.filter((item) => item.properties);
    const ipma = fullBox(
      'ipma',
      0,
      uint(withProperties.length, 4),
      ...withProperties.map((item) =>
        Buffer.concat([uint(item.id, 2), uint(item.properties!.length, 1), item.properties!]),
      ),
    );
    return fullBox(
      'meta',
      0,
      parts.hdlr,
      fullBox('pitm', 0, uint(plan.primaryId, 2)),
      iloc,
      iinf,
      ...(plan.references.length > 0 ? [iref] : []),
      box('iprp', parts.ipco, ipma),
      ...(idatItems.length > 0 ? [box('idat', ...idatItems.map((item) => item.data))] : []),
      ...(plan.extraMetaChildren ?? []),
    );
  };

  const afterMeta = plan.afterMeta ?? [];
  const mdatDataStart =
    parts.ftyp.length +
    meta(0).length +
    afterMeta.reduce((total, part) => total + part.length, 0) +
    8;
  return Buffer.concat([
    parts.ftyp,
    meta(mdatDataStart),
    ...afterMeta,
    box('mdat', ...mdatItems.map((item) => item.data)),
    ...(plan.afterMdat ?? []),
  ]);
}

async function expectSamePixels(actual: Buffer, expected: Buffer): Promise<void> {
  const [actualPixels, expectedPixels] = await Promise.all([
    sharp(actual).raw().toBuffer(),
    sharp(expected).raw().toBuffer(),
  ]);
  expect(actualPixels.equals(expectedPixels)).toBe(true);
}

describe('stripAvifMetadata', () => {
  let withMetadata: Buffer;
  let parts: EncodedParts;
  let exifItem: Item;
  let xmpItem: Item;

  beforeAll(async () => {
    withMetadata = await photo()
      .avif()
      .withExif(EXIF)
      .withXmp(XMP)
      .withIccProfile('p3')
      .withMetadata({ orientation: 6 })
      .toBuffer();
    parts = partsOf(await photo().avif().withIccProfile('p3').toBuffer());
    const { exif } = await sharp(withMetadata).metadata();
    exifItem = {
      id: 2,
      type: 'Exif',
      data: Buffer.concat([Buffer.alloc(4), exif!.subarray('Exif\0\0'.length)]),
      storedIn: 'mdat',
    };
    xmpItem = {
      id: 3,
      type: 'mime',
      contentType: 'application/rdf+xml',
      data: Buffer.from(XMP),
      storedIn: 'mdat',
    };
  });

  const plan = (overrides: Partial<AvifPlan> = {}): AvifPlan => ({
    items: [parts.image, exifItem, xmpItem],
    primaryId: 1,
    references: [
      { type: 'cdsc', from: 2, to: [1] },
      { type: 'cdsc', from: 3, to: [1] },
    ],
    ilocVersion: 0,
    offsetSize: 4,
    baseOffsetSize: 4,
    ...overrides,
  });

  it('removes EXIF and XMP but keeps the ICC profile, the rotation and every pixel', async () => {
    const stripped = stripAvifMetadata(withMetadata);

    const [before, after] = await Promise.all([
      sharp(withMetadata).metadata(),
      sharp(stripped).metadata(),
    ]);
    expect(before.exif).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toEqual(before.icc);
    expect([after.width, after.height]).toEqual([32, 48]);
    expect(itemTypesOf(stripped)).toEqual(['av01']);
    expect(stripped.includes('PLANTED')).toBe(false);
    expect(stripped.includes('xmpmeta')).toBe(false);
    await expectSamePixels(stripped, withMetadata);
  });

  it('keeps every offset valid: the meta box shrinks and a free box takes up the difference', () => {
    const stripped = stripAvifMetadata(withMetadata);

    expect(stripped.length).toBe(withMetadata.length);
    expect(topLevelTypes(stripped)).toEqual(['ftyp', 'meta', 'free', 'mdat']);
    const mdat = boxAt(withMetadata, ['mdat']);
    expect(boxAt(stripped, ['mdat'])).toEqual(mdat);
    const image = withMetadata.subarray(
      mdat.payloadStart,
      mdat.payloadStart + parts.image.data.length,
    );
    expect(stripped.subarray(mdat.payloadStart, mdat.payloadStart + image.length)).toEqual(image);
  });

  it('gives back an AVIF without metadata byte for byte', async () => {
    const plain = await photo().avif().toBuffer();

    expect(stripAvifMetadata(plain)).toEqual(plain);
  });

  const layouts: { layout: string; storedIn: Item['storedIn']; overrides: Partial<AvifPlan> }[] = [
    { layout: 'iloc version 1, metadata in idat', storedIn: 'idat', overrides: { ilocVersion: 1 } },
    {
      layout: 'iloc version 2 and 8-byte offsets',
      storedIn: 'mdat',
      overrides: { ilocVersion: 2, offsetSize: 8 },
    },
    { layout: 'no base offsets', storedIn: 'mdat', overrides: { baseOffsetSize: 0 } },
  ];

  it.each(layouts)('strips metadata from an AVIF with $layout', async ({ storedIn, overrides }) => {
    const source = buildAvif(
      parts,
      plan({
        items: [parts.image, { ...exifItem, storedIn }, { ...xmpItem, storedIn }],
        ...overrides,
      }),
    );
    const before = await sharp(source).metadata();
    expect(before.exif).toBeDefined();
    expect(before.xmp).toBeDefined();

    const stripped = stripAvifMetadata(source);

    const after = await sharp(stripped).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toEqual(before.icc);
    expect(stripped.includes('PLANTED')).toBe(false);
    expect(stripped.length).toBe(source.length);
    await expectSamePixels(stripped, source);
  });

  it('recognises XMP by its media type whatever its case and parameters', () => {
    const source = buildAvif(
      parts,
      plan({
        items: [
          parts.image,
          { ...xmpItem, id: 2, contentType: 'Application/RDF+XML; charset=utf-8' },
        ],
        references: [{ type: 'cdsc', from: 2, to: [1] }],
      }),
    );

    const stripped = stripAvifMetadata(source);

    expect(itemTypesOf(stripped)).toEqual(['av01']);
    expect(stripped.includes('PLANTED')).toBe(false);
  });

  it('blanks XMP in uuid boxes and user data at the top level', async () => {
    const uuidXmp = box(
      'uuid',
      Buffer.from('be7acfcb97a942e89c71999491e3afac', 'hex'),
      Buffer.from(XMP),
    );
    const userData = box('udta', box('cprt', Buffer.from('PLANTED-COPYRIGHT')));
    const source = buildAvif(
      parts,
      plan({ items: [parts.image], references: [], afterMeta: [uuidXmp], afterMdat: [userData] }),
    );

    const stripped = stripAvifMetadata(source);

    expect(topLevelTypes(stripped)).toEqual(['ftyp', 'meta', 'free', 'mdat', 'free']);
    expect(stripped.includes('PLANTED')).toBe(false);
    expect(stripped.length).toBe(source.length);
    await expectSamePixels(stripped, source);
  });

  it('blanks the user data and metadata of an image sequence’s tracks', () => {
    const track = box(
      'trak',
      box('tkhd', Buffer.alloc(84)),
      box('udta', Buffer.from('PLANTED-TRACK')),
    );
    const movie = box(
      'moov',
      box('mvhd', Buffer.alloc(100)),
      track,
      box('meta', Buffer.from('PLANTED-MOVIE')),
    );
    const source = buildAvif(parts, plan({ afterMdat: [movie] }));

    const stripped = stripAvifMetadata(source);

    expect(stripped.includes('PLANTED')).toBe(false);
    expect(
      stripped.subarray(source.length - movie.length, source.length - movie.length + 8),
    ).toEqual(movie.subarray(0, 8));
  });

  const refusals: { problem: string; overrides: Partial<AvifPlan>; message: RegExp }[] = [
    {
      problem: 'a metadata item is the primary image',
      overrides: { primaryId: 2 },
      message: /a metadata item as its primary image/,
    },
    {
      problem: 'a kept item refers to a metadata item',
      overrides: { references: [{ type: 'auxl', from: 1, to: [2] }] },
      message: /item 1 referring to a metadata item/,
    },
    {
      problem: 'a metadata item is in an entity group',
      overrides: {
        extraMetaChildren: [
          box('grpl', fullBox('altr', 0, uint(100, 4), uint(2, 4), uint(1, 4), uint(2, 4))),
        ],
      },
      message: /a metadata item in an entity group/,
    },
    {
      problem: 'a metadata item shares bytes with the image',
      overrides: { overlap: { id: 2, shift: 10 } },
      message: /metadata item 2 sharing bytes with kept data/,
    },
    {
      problem: 'there is an unknown top-level box',
      overrides: { afterMdat: [box('abcd', Buffer.from('?'))] },
      message: /a top-level "abcd" box/,
    },
    {
      problem: 'there is an unknown box in meta',
      overrides: { extraMetaChildren: [box('abcd', Buffer.from('?'))] },
      message: /a "abcd" box in meta/,
    },
  ];

  it.each(refusals)('refuses an AVIF where $problem', ({ overrides, message }) => {
    const source = buildAvif(parts, plan(overrides));

    expect(() => stripAvifMetadata(source)).toThrow(CannotStripMetadataError);
    expect(() => stripAvifMetadata(source)).toThrow(message);
  });
});
