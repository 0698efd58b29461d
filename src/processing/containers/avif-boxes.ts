/**
 * Finds what in an AVIF may carry metadata, by walking its ISO BMFF boxes once: the top level,
 * the `meta` box, and its item information. Box types are compared as numbers and nothing is
 * kept per box.
 *
 * Only a still image built as libavif and libheif build it is called clean: `ftyp`, `meta`,
 * `mdat` and padding at the top level; in `meta`, no XML box and no item of type `Exif`, `mime`
 * (XMP) or `uri `. Anything else (sequences, `uuid` and `udta` boxes, unknown boxes) counts as
 * metadata, which costs at most the bytes of keeping a re-encoded image. The walk pauses for the
 * event loop whenever its slice of time is spent.
 */
import { EventLoopSlice } from './event-loop-slice';
import { fourCc, fourCcName } from './four-cc';
import { MalformedContainerError } from './malformed-container.error';

const BOX_HEADER_BYTES = 8;
const LARGE_SIZE_BYTES = 8;
const FULL_BOX_FIELDS_BYTES = 4;

const FILE_TYPE = fourCc('ftyp');
const META = fourCc('meta');
const ITEM_INFO = fourCc('iinf');
const ITEM_INFO_ENTRY = fourCc('infe');
const CLEAN_TOP_LEVEL_BOXES: ReadonlySet<number> = new Set(
  ['ftyp', 'meta', 'mdat', 'free', 'skip'].map(fourCc),
);
const CLEAN_META_BOXES: ReadonlySet<number> = new Set(
  ['hdlr', 'dinf', 'pitm', 'iloc', 'iinf', 'iref', 'iprp', 'idat', 'grpl'].map(fourCc),
);
const METADATA_ITEM_TYPES: ReadonlySet<number> = new Set(['Exif', 'mime', 'uri '].map(fourCc));
const MIN_ITEM_TYPE_VERSION = 2;

/** A finding, null, or (for the two boxes that are entered) the walk of their children. */
type BoxVisitor = (
  type: number,
  payloadStart: number,
  end: number,
) => string | null | Promise<string | null>;

/**
 * The first box or item of the AVIF that may carry metadata, or null when it has none.
 *
 * @throws MalformedContainerError when a box runs past its parent.
 */
export async function findAvifMetadata(avif: Buffer): Promise<string | null> {
  if (avif.length < BOX_HEADER_BYTES || avif.readUInt32BE(4) !== FILE_TYPE) {
    throw new MalformedContainerError('The AVIF does not start with an ftyp box');
  }
  const slice = new EventLoopSlice();
  return walkBoxes(avif, 0, avif.length, slice, (type, payloadStart, end) => {
    if (!CLEAN_TOP_LEVEL_BOXES.has(type)) return `a top-level ${fourCcName(type)} box`;
    return type === META
      ? findMetaMetadata(avif, payloadStart + FULL_BOX_FIELDS_BYTES, end, slice)
      : null;
  });
}

function findMetaMetadata(
  avif: Buffer,
  start: number,
  end: number,
  slice: EventLoopSlice,
): Promise<string | null> {
  return walkBoxes(avif, start, end, slice, (type, payloadStart, boxEnd) => {
    if (!CLEAN_META_BOXES.has(type)) return `a ${fourCcName(type)} box in meta`;
    return type === ITEM_INFO ? findMetadataItem(avif, payloadStart, boxEnd, slice) : null;
  });
}

/** Reads each `infe` entry's item type; the entry count before them is not needed. */
function findMetadataItem(
  avif: Buffer,
  payloadStart: number,
  end: number,
  slice: EventLoopSlice,
): Promise<string | null> {
  const version = payloadStart < end ? avif[payloadStart] : 0;
  const entriesStart = payloadStart + FULL_BOX_FIELDS_BYTES + (version === 0 ? 2 : 4);
  return walkBoxes(avif, Math.min(entriesStart, end), end, slice, (type, entryStart, entryEnd) => {
    if (type !== ITEM_INFO_ENTRY) return `a ${fourCcName(type)} box in iinf`;
    const entryVersion = avif[entryStart];
    // Before version 2 an entry has no item type, and no reader takes it for metadata.
    if (entryVersion < MIN_ITEM_TYPE_VERSION) return null;
    const idBytes = entryVersion === MIN_ITEM_TYPE_VERSION ? 2 : 4;
    const itemTypeOffset = entryStart + FULL_BOX_FIELDS_BYTES + idBytes + 2;
    if (itemTypeOffset + 4 > entryEnd) {
      throw new MalformedContainerError(`The infe box at byte ${entryStart} is too short`);
    }
    const itemType = avif.readUInt32BE(itemTypeOffset);
    return METADATA_ITEM_TYPES.has(itemType) ? `an item of type ${fourCcName(itemType)}` : null;
  });
}

/** Visits each box between `start` and `end`; stops at the first finding the visitor returns. */
async function walkBoxes(
  buffer: Buffer,
  start: number,
  end: number,
  slice: EventLoopSlice,
  visit: BoxVisitor,
): Promise<string | null> {
  let offset = start;
  while (offset < end) {
    if (slice.due()) await slice.pause();
    if (offset + BOX_HEADER_BYTES > end) {
      throw new MalformedContainerError(`The AVIF ends inside the box header at byte ${offset}`);
    }
    const size = buffer.readUInt32BE(offset);
    const type = buffer.readUInt32BE(offset + 4);
    let payloadStart = offset + BOX_HEADER_BYTES;
    let boxEnd: number;
    if (size === 0) {
      boxEnd = end;
    } else if (size === 1) {
      if (payloadStart + LARGE_SIZE_BYTES > end) {
        throw new MalformedContainerError(`The AVIF box at byte ${offset} has no large size`);
      }
      // A large size above 2^32 cannot fit in a download, so its high word must be zero.
      const highWord = buffer.readUInt32BE(payloadStart);
      boxEnd = highWord === 0 ? offset + buffer.readUInt32BE(payloadStart + 4) : Infinity;
      payloadStart += LARGE_SIZE_BYTES;
    } else {
      boxEnd = offset + size;
    }
    if (boxEnd > end || boxEnd < payloadStart) {
      throw new MalformedContainerError(
        `The AVIF box ${fourCcName(type)} at byte ${offset} does not fit in its parent`,
      );
    }
    const visited = visit(type, payloadStart, boxEnd);
    // Only an entered box gives a promise; `instanceof Promise` would cost seven times the walk.
    const finding = typeof visited === 'object' && visited !== null ? await visited : visited;
    if (finding !== null) return finding;
    offset = boxEnd;
  }
  return null;
}
