import sharp from 'sharp';
import { hasExifHeader, readExifOrientation, reduceExifToOrientation } from './exif-orientation';

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  value: number;
}

/** A TIFF structure with one IFD0 whose entries hold their (short) values inline. */
function tiff(entries: IfdEntry[], { littleEndian = true, trailing = Buffer.alloc(0) } = {}) {
  const data = Buffer.alloc(8 + 2 + entries.length * 12 + 4);
  const u16 = (value: number, offset: number) =>
    littleEndian ? data.writeUInt16LE(value, offset) : data.writeUInt16BE(value, offset);
  const u32 = (value: number, offset: number) =>
    littleEndian ? data.writeUInt32LE(value, offset) : data.writeUInt32BE(value, offset);
  data.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(entries.length, 8);
  entries.forEach((entry, index) => {
    const offset = 10 + index * 12;
    u16(entry.tag, offset);
    u16(entry.type, offset + 2);
    u32(entry.count, offset + 4);
    u16(entry.value, offset + 8);
  });
  return Buffer.concat([data, trailing]);
}

const SHORT = 3;
const orientationEntry = (value: number): IfdEntry => ({
  tag: 0x0112,
  type: SHORT,
  count: 1,
  value,
});
const imageWidthEntry: IfdEntry = { tag: 0x0100, type: SHORT, count: 1, value: 640 };

describe('readExifOrientation', () => {
  it('reads the orientation that sharp writes into a JPEG', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'someone' } })
      .withMetadata({ orientation: 7 })
      .toBuffer();
    const { exif } = await sharp(jpeg).metadata();

    expect(exif && hasExifHeader(exif)).toBe(true);
    expect(readExifOrientation(exif!)).toBe(7);
  });

  it.each([
    { name: 'little-endian, bare TIFF', exif: tiff([imageWidthEntry, orientationEntry(6)]) },
    {
      name: 'big-endian, bare TIFF',
      exif: tiff([orientationEntry(6)], { littleEndian: false }),
    },
    {
      name: 'behind an Exif header',
      exif: Buffer.concat([EXIF_HEADER, tiff([orientationEntry(6)])]),
    },
  ])('reads the orientation from EXIF that is $name', ({ exif }) => {
    expect(readExifOrientation(exif)).toBe(6);
  });

  it.each([
    { name: 'has no orientation tag', exif: tiff([imageWidthEntry]) },
    { name: 'has an orientation out of 1–8', exif: tiff([orientationEntry(9)]) },
    {
      name: 'stores the orientation with another type',
      exif: tiff([{ ...orientationEntry(6), type: 4 }]),
    },
    { name: 'has no TIFF byte-order mark', exif: Buffer.from('XX*\0\x08\0\0\0', 'latin1') },
    { name: 'has a wrong TIFF magic number', exif: Buffer.from('II+\0\x08\0\0\0', 'latin1') },
    { name: 'ends inside IFD0', exif: tiff([orientationEntry(6)]).subarray(0, 20) },
    { name: 'is empty', exif: Buffer.alloc(0) },
  ])('gives null when the EXIF $name', ({ exif }) => {
    expect(readExifOrientation(exif)).toBeNull();
  });
});

describe('reduceExifToOrientation', () => {
  it('keeps only the orientation, in the same byte order and framing', () => {
    const copyright = Buffer.from('SECRET-COPYRIGHT\0', 'latin1');
    const exif = Buffer.concat([
      EXIF_HEADER,
      tiff([imageWidthEntry, orientationEntry(8)], { littleEndian: false, trailing: copyright }),
    ]);

    const reduced = reduceExifToOrientation(exif)!;

    expect(hasExifHeader(reduced)).toBe(true);
    expect(reduced.toString('latin1', 6, 8)).toBe('MM');
    expect(readExifOrientation(reduced)).toBe(8);
    expect(reduced).toEqual(
      Buffer.concat([EXIF_HEADER, tiff([orientationEntry(8)], { littleEndian: false })]),
    );
    expect(reduced.includes('SECRET')).toBe(false);
  });

  it('writes a bare TIFF structure for EXIF that had no Exif header', () => {
    const reduced = reduceExifToOrientation(tiff([imageWidthEntry, orientationEntry(3)]))!;

    expect(reduced).toEqual(tiff([orientationEntry(3)]));
  });

  it('is never longer than the EXIF it replaces, even the smallest that holds an orientation', () => {
    for (const exif of [
      tiff([orientationEntry(5)]),
      Buffer.concat([EXIF_HEADER, tiff([orientationEntry(5)], { littleEndian: false })]),
    ]) {
      expect(reduceExifToOrientation(exif)!.length).toBeLessThanOrEqual(exif.length);
    }
  });

  it.each([
    { name: 'upright (1)', exif: tiff([imageWidthEntry, orientationEntry(1)]) },
    { name: 'without orientation', exif: tiff([imageWidthEntry]) },
    { name: 'unreadable', exif: Buffer.from('not exif at all', 'latin1') },
  ])('gives null for EXIF that is $name, as no EXIF is needed', ({ exif }) => {
    expect(reduceExifToOrientation(exif)).toBeNull();
  });
});
