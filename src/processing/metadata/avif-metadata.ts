/**
 * Removes EXIF and XMP from an AVIF without touching its compressed image data.
 *
 * No maintained npm library edits HEIF item boxes in place (ExifTool can, but runs as a Perl
 * process on files), so the boxes are edited here, in a way that moves no byte the file points
 * to: the EXIF and XMP items (`Exif`, and `mime` items of type `application/rdf+xml`) are taken
 * out of the item boxes (iinf, iloc, iref, ipma), their payloads are overwritten with zeros where
 * they lie (in mdat or idat), and the smaller meta box is followed by a `free` box of the bytes
 * it lost. Every absolute offset (iloc, and the chunk offsets of an image sequence's tracks)
 * therefore stays valid, and the file keeps its size. Top-level `uuid` boxes (where XMP and C2PA
 * manifests can be kept) and user data, and the user data and metadata of an image sequence's
 * movie and tracks (`udta`, `meta` in moov and trak), become zeroed `free` boxes of the same size.
 *
 * Display is unchanged: HEIF readers rotate by the irot/imir properties and ignore the EXIF
 * orientation, and colour lives in the colr property, which stays.
 *
 * Refused, with `CannotStripMetadataError`: anything that cannot be parsed whole, and structures
 * where removing an item would not be safe — a metadata item that is the primary image, is
 * referenced by a kept item or group, or shares bytes with one; data by item reference; unknown
 * boxes at the top level or in meta.
 */
import { CannotStripMetadataError } from './cannot-strip-metadata.error';

const BOX_HEADER_BYTES = 8;
const LARGE_SIZE_BYTES = 8;
const FULL_BOX_FIELDS_BYTES = 4;
const UUID_BYTES = 16;

const EXIF_ITEM_TYPE = 'Exif';
const MIME_ITEM_TYPE = 'mime';
const XMP_CONTENT_TYPE = 'application/rdf+xml';

const FILE_OFFSET_CONSTRUCTION = 0;
const IDAT_OFFSET_CONSTRUCTION = 1;
const THIS_FILE = 0;

/** Top-level boxes that are copied (or, for metadata, blanked) rather than refused. */
const TOP_LEVEL_BOXES: ReadonlySet<string> = new Set([
  'ftyp',
  'meta',
  'mdat',
  'moov',
  'free',
  'skip',
  'uuid',
  'udta',
]);
const METADATA_BOXES_TO_BLANK: ReadonlySet<string> = new Set(['uuid', 'udta', 'meta']);
const META_CHILDREN: ReadonlySet<string> = new Set([
  'hdlr',
  'dinf',
  'pitm',
  'iloc',
  'iinf',
  'iref',
  'iprp',
  'idat',
  'grpl',
  'xml ',
  'bxml',
]);
const META_XML_BOXES: ReadonlySet<string> = new Set(['xml ', 'bxml']);

interface Box {
  type: string;
  start: number;
  /** Where the payload starts: after size, type, any large size and any extended type. */
  payloadStart: number;
  end: number;
}

interface ByteRange {
  start: number;
  end: number;
}

/** The AVIF without EXIF and XMP; throws `CannotStripMetadataError` when that is not safe. */
export function stripAvifMetadata(avif: Buffer): Buffer {
  const topLevel = readBoxes(avif, 0, avif.length);
  if (topLevel[0]?.type !== 'ftyp') {
    throw new CannotStripMetadataError('The AVIF does not start with an ftyp box');
  }
  const metas = topLevel.filter((box) => box.type === 'meta');
  if (metas.length !== 1) {
    throw new CannotStripMetadataError(`The AVIF has ${metas.length} top-level meta boxes, not 1`);
  }
  const unknown = topLevel.find((box) => !TOP_LEVEL_BOXES.has(box.type));
  if (unknown) throw unsupported(`a top-level ${JSON.stringify(unknown.type)} box`);
  const meta = metas[0];
  const contents = readMeta(avif, meta);

  const output = Buffer.from(avif);
  const blanked: ByteRange[] = [];
  for (const box of topLevel) {
    if (box.type === 'uuid' || box.type === 'udta') blanked.push(blankBox(output, box));
    if (box.type === 'moov') blanked.push(...blankTrackMetadata(output, box));
  }
  const keptRanges = contents.locations
    .filter((location) => !contents.metadataIds.has(location.itemId))
    .flatMap((location) => location.ranges ?? []);
  if (keptRanges.some((range) => blanked.some((other) => overlaps(range, other)))) {
    throw unsupported('image data inside a metadata box');
  }
  if (contents.metadataIds.size === 0 && !contents.hasXmlBoxes) return output;

  checkMetadataItemsCanGo(contents, { start: meta.start, end: meta.end }, keptRanges);
  for (const location of contents.locations) {
    if (!contents.metadataIds.has(location.itemId)) continue;
    for (const range of location.ranges ?? []) output.fill(0, range.start, range.end);
  }
  const rebuilt = rebuildMeta(output, contents);
  const freeBox = Buffer.alloc(meta.end - meta.start - rebuilt.length);
  writeBoxHeader(freeBox, 'free', freeBox.length);
  return Buffer.concat([
    output.subarray(0, meta.start),
    rebuilt,
    freeBox,
    output.subarray(meta.end),
  ]);
}

/** Turns a box into a `free` box of the same size, its payload zeroed. */
function blankBox(output: Buffer, box: Box): ByteRange {
  output.write('free', box.start + 4, 'latin1');
  const payloadStart = box.type === 'uuid' ? box.payloadStart - UUID_BYTES : box.payloadStart;
  output.fill(0, payloadStart, box.end);
  return { start: box.start, end: box.end };
}

function blankTrackMetadata(output: Buffer, moov: Box): ByteRange[] {
  const blanked: ByteRange[] = [];
  for (const child of readBoxes(output, moov.payloadStart, moov.end)) {
    if (METADATA_BOXES_TO_BLANK.has(child.type)) blanked.push(blankBox(output, child));
    if (child.type !== 'trak') continue;
    for (const trackChild of readBoxes(output, child.payloadStart, child.end)) {
      if (METADATA_BOXES_TO_BLANK.has(trackChild.type)) {
        blanked.push(blankBox(output, trackChild));
      }
    }
  }
  return blanked;
}

interface ItemInfo {
  box: Box;
  itemId: number;
  itemType: string;
  contentType: string | null;
}

interface ItemLocation {
  itemId: number;
  /** The entry's bytes inside the iloc box. */
  entry: ByteRange;
  constructionMethod: number;
  dataReferenceIndex: number;
  /** Absolute byte ranges of the extents; null when data is by item reference or elsewhere. */
  ranges: ByteRange[] | null;
}

interface ItemReference {
  box: Box;
  fromItemId: number;
  toItemIds: number[];
}

interface MetaContents {
  /** Version and flags of the meta full box. */
  versionAndFlags: ByteRange;
  children: Box[];
  items: ItemInfo[];
  locations: ItemLocation[];
  references: ItemReference[];
  primaryItemId: number | null;
  groupedEntityIds: number[];
  /** The EXIF and XMP items. */
  metadataIds: ReadonlySet<number>;
  hasXmlBoxes: boolean;
}

function readMeta(avif: Buffer, meta: Box): MetaContents {
  const childrenStart = meta.payloadStart + FULL_BOX_FIELDS_BYTES;
  const children = readBoxes(avif, childrenStart, meta.end);
  const unknown = children.find((box) => !META_CHILDREN.has(box.type));
  if (unknown) throw unsupported(`a ${JSON.stringify(unknown.type)} box in meta`);
  const child = (type: string) => children.find((box) => box.type === type);
  const handler = child('hdlr');
  if (!handler) throw new CannotStripMetadataError('The AVIF meta box has no handler');
  const handlerType = handler.payloadStart + FULL_BOX_FIELDS_BYTES + 4; // after pre_defined
  if (readFourCc(avif, handlerType, handler.end) !== 'pict') {
    throw new CannotStripMetadataError('The AVIF meta box is not a picture handler');
  }
  const iinf = child('iinf');
  const iloc = child('iloc');
  if (!iinf || !iloc) throw new CannotStripMetadataError('The AVIF has no iinf or iloc box');
  const idat = child('idat');
  const pitm = child('pitm');
  const iref = child('iref');
  const grpl = child('grpl');

  const items = readItemInfos(avif, iinf);
  const metadataIds = new Set(
    items
      .filter(
        (item) =>
          item.itemType === EXIF_ITEM_TYPE ||
          (item.itemType === MIME_ITEM_TYPE && isXmpContentType(item.contentType)),
      )
      .map((item) => item.itemId),
  );
  return {
    versionAndFlags: { start: meta.payloadStart, end: childrenStart },
    children,
    items,
    locations: readItemLocations(
      avif,
      iloc,
      idat ? { start: idat.payloadStart, end: idat.end } : null,
    ),
    references: iref ? readItemReferences(avif, iref) : [],
    primaryItemId: pitm ? readPrimaryItemId(avif, pitm) : null,
    groupedEntityIds: grpl ? readGroupedEntityIds(avif, grpl) : [],
    metadataIds,
    hasXmlBoxes: children.some((box) => META_XML_BOXES.has(box.type)),
  };
}

/**
 * Removing an item is safe only when nothing kept depends on it: it is not the primary image,
 * no kept item or group refers to it, and its bytes are its own, outside the meta box that is
 * rewritten.
 */
function checkMetadataItemsCanGo(
  contents: MetaContents,
  meta: ByteRange,
  keptRanges: readonly ByteRange[],
): void {
  const { metadataIds } = contents;
  if (contents.primaryItemId !== null && metadataIds.has(contents.primaryItemId)) {
    throw unsupported('a metadata item as its primary image');
  }
  for (const reference of contents.references) {
    if (
      !metadataIds.has(reference.fromItemId) &&
      reference.toItemIds.some((id) => metadataIds.has(id))
    ) {
      throw unsupported(`item ${reference.fromItemId} referring to a metadata item`);
    }
  }
  if (contents.groupedEntityIds.some((id) => metadataIds.has(id))) {
    throw unsupported('a metadata item in an entity group');
  }
  for (const location of contents.locations) {
    const { itemId, constructionMethod, ranges } = location;
    const isMetadata = metadataIds.has(itemId);
    if (
      constructionMethod === FILE_OFFSET_CONSTRUCTION &&
      ranges?.some((range) => overlaps(range, meta))
    ) {
      throw unsupported(`the data of item ${itemId} inside its meta box`);
    }
    if (!isMetadata || location.dataReferenceIndex !== THIS_FILE) continue;
    if (ranges === null) throw unsupported(`metadata item ${itemId} built from other items`);
    if (ranges.some((range) => keptRanges.some((kept) => overlaps(range, kept)))) {
      throw unsupported(`metadata item ${itemId} sharing bytes with kept data`);
    }
  }
}

/** A copy of meta without the EXIF and XMP items, built from `data` (where they are zeroed). */
function rebuildMeta(data: Buffer, contents: MetaContents): Buffer {
  const { metadataIds } = contents;
  const children = contents.children
    .filter((box) => !META_XML_BOXES.has(box.type))
    .map((box) => {
      switch (box.type) {
        case 'iinf':
          return rebuildItemInfo(data, box, contents.items, metadataIds);
        case 'iloc':
          return rebuildItemLocations(data, box, contents.locations, metadataIds);
        case 'iref':
          return rebuildItemReferences(data, box, contents.references, metadataIds);
        case 'iprp':
          return rebuildItemProperties(data, box, metadataIds);
        default:
          return data.subarray(box.start, box.end);
      }
    })
    .filter((box): box is Buffer => box !== null);
  const { start, end } = contents.versionAndFlags;
  return makeFullBox('meta', data.subarray(start, end), children);
}

/** Media types are case-insensitive and may carry parameters (`; charset=utf-8`). */
function isXmpContentType(contentType: string | null): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === XMP_CONTENT_TYPE;
}

function overlaps(a: ByteRange, b: ByteRange): boolean {
  return a.start < b.end && b.start < a.end;
}

function readItemInfos(avif: Buffer, iinf: Box): ItemInfo[] {
  const version = avif[iinf.payloadStart];
  const countStart = iinf.payloadStart + FULL_BOX_FIELDS_BYTES;
  const countBytes = version === 0 ? 2 : 4;
  const count = readUInt(avif, countStart, countBytes, iinf.end);
  const entries = readBoxes(avif, countStart + countBytes, iinf.end);
  if (entries.length !== count || entries.some((box) => box.type !== 'infe')) {
    throw new CannotStripMetadataError(`The AVIF iinf box does not hold ${count} infe boxes`);
  }
  return entries.map((box) => readItemInfo(avif, box));
}

function readItemInfo(avif: Buffer, infe: Box): ItemInfo {
  const version = avif[infe.payloadStart];
  if (version !== 2 && version !== 3) throw unsupported(`an infe box of version ${version}`);
  let offset = infe.payloadStart + FULL_BOX_FIELDS_BYTES;
  const idBytes = version === 2 ? 2 : 4;
  const itemId = readUInt(avif, offset, idBytes, infe.end);
  offset += idBytes + 2; // item_protection_index
  const itemType = readFourCc(avif, offset, infe.end);
  offset += 4;
  const name = readCString(avif, offset, infe.end);
  let contentType: string | null = null;
  if (itemType === MIME_ITEM_TYPE) contentType = readCString(avif, name.end, infe.end).text;
  return { box: infe, itemId, itemType, contentType };
}

function rebuildItemInfo(
  avif: Buffer,
  iinf: Box,
  items: readonly ItemInfo[],
  metadataIds: ReadonlySet<number>,
): Buffer {
  const kept = items.filter((item) => !metadataIds.has(item.itemId));
  const version = avif[iinf.payloadStart];
  const count = Buffer.alloc(version === 0 ? 2 : 4);
  writeUInt(count, kept.length, 0, count.length);
  return makeFullBox('iinf', avif.subarray(iinf.payloadStart, iinf.payloadStart + 4), [
    count,
    ...kept.map((item) => avif.subarray(item.box.start, item.box.end)),
  ]);
}

function readItemLocations(avif: Buffer, iloc: Box, idat: ByteRange | null): ItemLocation[] {
  const version = avif[iloc.payloadStart];
  if (version > 2) throw unsupported(`an iloc box of version ${version}`);
  let offset = iloc.payloadStart + FULL_BOX_FIELDS_BYTES;
  const sizes = readUInt(avif, offset, 2, iloc.end);
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 0xf;
  const baseOffsetSize = (sizes >> 4) & 0xf;
  const indexSize = version === 0 ? 0 : sizes & 0xf;
  for (const size of [offsetSize, lengthSize, baseOffsetSize, indexSize]) {
    if (size !== 0 && size !== 4 && size !== 8) {
      throw new CannotStripMetadataError(`The AVIF iloc box uses a field size of ${size} bytes`);
    }
  }
  offset += 2;
  const idBytes = version < 2 ? 2 : 4;
  const itemCount = readUInt(avif, offset, idBytes, iloc.end);
  offset += idBytes;

  const locations: ItemLocation[] = [];
  for (let index = 0; index < itemCount; index++) {
    const entryStart = offset;
    const itemId = readUInt(avif, offset, idBytes, iloc.end);
    offset += idBytes;
    let constructionMethod = FILE_OFFSET_CONSTRUCTION;
    if (version > 0) {
      constructionMethod = readUInt(avif, offset, 2, iloc.end) & 0xf;
      offset += 2;
    }
    const dataReferenceIndex = readUInt(avif, offset, 2, iloc.end);
    offset += 2;
    const baseOffset = readUInt(avif, offset, baseOffsetSize, iloc.end);
    offset += baseOffsetSize;
    const extentCount = readUInt(avif, offset, 2, iloc.end);
    offset += 2;
    const extents: { offset: number; length: number }[] = [];
    for (let extent = 0; extent < extentCount; extent++) {
      offset += indexSize;
      const extentOffset = readUInt(avif, offset, offsetSize, iloc.end);
      offset += offsetSize;
      const extentLength = readUInt(avif, offset, lengthSize, iloc.end);
      offset += lengthSize;
      extents.push({ offset: baseOffset + extentOffset, length: extentLength });
    }
    locations.push({
      itemId,
      entry: { start: entryStart, end: offset },
      constructionMethod,
      dataReferenceIndex,
      ranges: locateExtents(avif, itemId, constructionMethod, dataReferenceIndex, extents, idat),
    });
  }
  if (offset !== iloc.end) {
    throw new CannotStripMetadataError('The AVIF iloc box has bytes after its last item');
  }
  return locations;
}

/** Absolute byte ranges; an extent length of 0 means "to the end" of the file or idat. */
function locateExtents(
  avif: Buffer,
  itemId: number,
  constructionMethod: number,
  dataReferenceIndex: number,
  extents: readonly { offset: number; length: number }[],
  idat: ByteRange | null,
): ByteRange[] | null {
  if (dataReferenceIndex !== THIS_FILE) return null;
  let container: ByteRange;
  if (constructionMethod === FILE_OFFSET_CONSTRUCTION) {
    container = { start: 0, end: avif.length };
  } else if (constructionMethod === IDAT_OFFSET_CONSTRUCTION) {
    if (!idat) throw new CannotStripMetadataError(`The AVIF item ${itemId} is in a missing idat`);
    container = idat;
  } else {
    return null;
  }
  return extents.map((extent) => {
    const start = container.start + extent.offset;
    const end = extent.length === 0 ? container.end : start + extent.length;
    if (end > container.end) {
      throw new CannotStripMetadataError(`The AVIF item ${itemId} lies past the end of its data`);
    }
    return { start, end };
  });
}

function rebuildItemLocations(
  avif: Buffer,
  iloc: Box,
  locations: readonly ItemLocation[],
  metadataIds: ReadonlySet<number>,
): Buffer {
  const kept = locations.filter((location) => !metadataIds.has(location.itemId));
  const version = avif[iloc.payloadStart];
  const fieldsEnd = iloc.payloadStart + FULL_BOX_FIELDS_BYTES + 2;
  const count = Buffer.alloc(version < 2 ? 2 : 4);
  writeUInt(count, kept.length, 0, count.length);
  return makeFullBox('iloc', avif.subarray(iloc.payloadStart, fieldsEnd), [
    count,
    ...kept.map((location) => avif.subarray(location.entry.start, location.entry.end)),
  ]);
}

function readPrimaryItemId(avif: Buffer, pitm: Box): number {
  const version = avif[pitm.payloadStart];
  return readUInt(avif, pitm.payloadStart + FULL_BOX_FIELDS_BYTES, version === 0 ? 2 : 4, pitm.end);
}

function readItemReferences(avif: Buffer, iref: Box): ItemReference[] {
  const idBytes = avif[iref.payloadStart] === 0 ? 2 : 4;
  return readBoxes(avif, iref.payloadStart + FULL_BOX_FIELDS_BYTES, iref.end).map((box) => {
    let offset = box.payloadStart;
    const fromItemId = readUInt(avif, offset, idBytes, box.end);
    const referenceCount = readUInt(avif, offset + idBytes, 2, box.end);
    offset += idBytes + 2;
    const toItemIds: number[] = [];
    for (let index = 0; index < referenceCount; index++) {
      toItemIds.push(readUInt(avif, offset, idBytes, box.end));
      offset += idBytes;
    }
    return { box, fromItemId, toItemIds };
  });
}

/** Null when no reference is left, so that no empty iref box is written. */
function rebuildItemReferences(
  avif: Buffer,
  iref: Box,
  references: readonly ItemReference[],
  metadataIds: ReadonlySet<number>,
): Buffer | null {
  const kept = references.filter((reference) => !metadataIds.has(reference.fromItemId));
  if (kept.length === 0) return null;
  return makeFullBox(
    'iref',
    avif.subarray(iref.payloadStart, iref.payloadStart + FULL_BOX_FIELDS_BYTES),
    kept.map((reference) => avif.subarray(reference.box.start, reference.box.end)),
  );
}

function readGroupedEntityIds(avif: Buffer, grpl: Box): number[] {
  return readBoxes(avif, grpl.payloadStart, grpl.end).flatMap((group) => {
    const countStart = group.payloadStart + FULL_BOX_FIELDS_BYTES + 4; // after group_id
    const count = readUInt(avif, countStart, 4, group.end);
    const idsStart = countStart + 4;
    if (idsStart + count * 4 > group.end) {
      throw new CannotStripMetadataError(
        `The AVIF entity group at byte ${group.start} is cut short`,
      );
    }
    return Array.from({ length: count }, (_, index) => avif.readUInt32BE(idsStart + index * 4));
  });
}

/** iprp holds ipco, which is kept as it is, and ipma boxes, whose metadata entries go. */
function rebuildItemProperties(avif: Buffer, iprp: Box, metadataIds: ReadonlySet<number>): Buffer {
  const children = readBoxes(avif, iprp.payloadStart, iprp.end).map((box) =>
    box.type === 'ipma'
      ? rebuildPropertyAssociations(avif, box, metadataIds)
      : avif.subarray(box.start, box.end),
  );
  return makeBox('iprp', children);
}

function rebuildPropertyAssociations(
  avif: Buffer,
  ipma: Box,
  metadataIds: ReadonlySet<number>,
): Buffer {
  const version = avif[ipma.payloadStart];
  const flags = readUInt(avif, ipma.payloadStart + 1, 3, ipma.end);
  const idBytes = version < 1 ? 2 : 4;
  const indexBytes = (flags & 1) === 1 ? 2 : 1;
  const countStart = ipma.payloadStart + FULL_BOX_FIELDS_BYTES;
  const entryCount = readUInt(avif, countStart, 4, ipma.end);
  let offset = countStart + 4;
  const kept: Buffer[] = [];
  for (let index = 0; index < entryCount; index++) {
    const entryStart = offset;
    const itemId = readUInt(avif, offset, idBytes, ipma.end);
    const associationCount = readUInt(avif, offset + idBytes, 1, ipma.end);
    offset += idBytes + 1 + associationCount * indexBytes;
    if (offset > ipma.end) {
      throw new CannotStripMetadataError('The AVIF ipma box ends inside an entry');
    }
    if (!metadataIds.has(itemId)) kept.push(avif.subarray(entryStart, offset));
  }
  const count = Buffer.alloc(4);
  count.writeUInt32BE(kept.length);
  return makeFullBox('ipma', avif.subarray(ipma.payloadStart, countStart), [count, ...kept]);
}

function readBoxes(data: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let offset = start;
  while (offset < end) {
    if (offset + BOX_HEADER_BYTES > end) {
      throw new CannotStripMetadataError(`The AVIF ends inside the box header at byte ${offset}`);
    }
    const type = readFourCc(data, offset + 4, end);
    let size = data.readUInt32BE(offset);
    let payloadStart = offset + BOX_HEADER_BYTES;
    if (size === 1) {
      size = readUInt(data, payloadStart, LARGE_SIZE_BYTES, end);
      payloadStart += LARGE_SIZE_BYTES;
    } else if (size === 0) {
      size = end - offset;
    }
    if (type === 'uuid') payloadStart += UUID_BYTES;
    const boxEnd = offset + size;
    if (payloadStart > boxEnd || boxEnd > end) {
      throw new CannotStripMetadataError(
        `The AVIF ${JSON.stringify(type)} box at byte ${offset} does not fit in its container`,
      );
    }
    boxes.push({ type, start: offset, payloadStart, end: boxEnd });
    offset = boxEnd;
  }
  return boxes;
}

/** Reads an unsigned big-endian field of 0 to 4, or 8, bytes that must end by `end`. */
function readUInt(data: Buffer, offset: number, bytes: number, end: number): number {
  if (offset + bytes > end) {
    throw new CannotStripMetadataError(`The AVIF ends inside a field at byte ${offset}`);
  }
  switch (bytes) {
    case 0:
      return 0;
    case 8: {
      const value = data.readBigUInt64BE(offset);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new CannotStripMetadataError(`The AVIF has an impossible size at byte ${offset}`);
      }
      return Number(value);
    }
    default:
      return data.readUIntBE(offset, bytes);
  }
}

function writeUInt(target: Buffer, value: number, offset: number, bytes: number): void {
  target.writeUIntBE(value, offset, bytes);
}

function readFourCc(data: Buffer, offset: number, end: number): string {
  if (offset + 4 > end) {
    throw new CannotStripMetadataError(`The AVIF ends inside a type code at byte ${offset}`);
  }
  return data.toString('latin1', offset, offset + 4);
}

function readCString(data: Buffer, offset: number, end: number): { text: string; end: number } {
  const terminator = data.indexOf(0, offset);
  if (terminator < 0 || terminator >= end) {
    throw new CannotStripMetadataError(`The AVIF has an unterminated string at byte ${offset}`);
  }
  return { text: data.toString('utf8', offset, terminator), end: terminator + 1 };
}

function writeBoxHeader(target: Buffer, type: string, size: number): void {
  target.writeUInt32BE(size, 0);
  target.write(type, 4, 'latin1');
}

function makeBox(type: string, children: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(BOX_HEADER_BYTES);
  const payloadLength = children.reduce((total, child) => total + child.length, 0);
  writeBoxHeader(header, type, BOX_HEADER_BYTES + payloadLength);
  return Buffer.concat([header, ...children]);
}

function makeFullBox(type: string, versionAndFlags: Buffer, children: readonly Buffer[]): Buffer {
  return makeBox(type, [versionAndFlags, ...children]);
}

function unsupported(what: string): CannotStripMetadataError {
  return new CannotStripMetadataError(
    `The AVIF has ${what}, so its metadata cannot be removed without risk to the image`,
  );
}
