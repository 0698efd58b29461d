import { MalformedContainerError } from './malformed-container.error';
import { walkJpegSegments } from './jpeg-segments';

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const SOS = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
const COMMENT = [0xff, 0xfe, 0x00, 0x04, 0x41, 0x42];

/** A small deterministic generator, so that a failure names a seed that repeats it. */
function randomBytes(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

type Stretch = 'coded' | 'stuffed' | 'fill' | 'restarts';

/**
 * Entropy-coded data made of stretches: coded bytes (each 0xFF stuffed), runs of `FF 00` pairs,
 * fill bytes before a restart marker, and restart markers one after another. The lengths
 * straddle the walker's switch between `indexOf` jumps and its byte runs of a few kilobytes.
 */
function scanData(seed: number): number[] {
  const random = randomBytes(seed);
  const kinds: Stretch[] = ['coded', 'stuffed', 'fill', 'restarts'];
  const bytes: number[] = [];
  for (let stretch = 0; stretch < 12; stretch++) {
    const kind = kinds[random(kinds.length)];
    const length = random(2) === 0 ? random(40) : 4000 + random(200);
    for (let index = 0; index < length; index++) {
      if (kind === 'coded') {
        const byte = random(256);
        bytes.push(...(byte === 0xff ? [0xff, 0x00] : [byte]));
      } else if (kind === 'stuffed') {
        bytes.push(0xff, 0x00);
      } else if (kind === 'fill') {
        bytes.push(0xff);
      } else {
        bytes.push(0xff, 0xd0 + random(8));
      }
    }
    // Fill bytes end at a restart marker, never at the marker that ends the scan.
    if (kind === 'fill') bytes.push(0xd0 + random(8));
  }
  return bytes;
}

/** The offset of the first marker after the scan, read one byte at a time. */
function endOfScanByBytes(scan: number[], start: number): number {
  for (let offset = 0; offset < scan.length; offset++) {
    if (scan[offset] !== 0xff) continue;
    const next = scan[offset + 1];
    if (next === 0xff) continue;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
      offset++;
      continue;
    }
    return start + offset;
  }
  return -1;
}

describe('walkJpegSegments', () => {
  it.each(Array.from({ length: 40 }, (_, seed) => seed + 1))(
    'finds the marker after entropy-coded data exactly where a byte loop does (seed %i)',
    async (seed) => {
      const scan = scanData(seed);
      const jpeg = Buffer.from([...SOI, ...SOS, ...scan, ...COMMENT, ...EOI]);
      const scanStart = SOI.length + SOS.length;
      const segments: Array<[number, number]> = [];

      const end = await walkJpegSegments(jpeg, (marker, start) => {
        segments.push([marker, start]);
      });

      expect(segments).toEqual([
        [0xda, SOI.length],
        [0xfe, endOfScanByBytes([...scan, ...COMMENT], scanStart)],
      ]);
      expect(end).toBe(jpeg.length);
    },
  );

  it('refuses a scan that runs to the end of the file, whatever its last bytes', async () => {
    for (const tail of [[0xff], [0xff, 0x00], [0xff, 0xff], [0x12]]) {
      const scan = [
        ...Array<number>(5000)
          .fill(0)
          .flatMap(() => [0xff, 0x00]),
        ...tail,
      ];
      const jpeg = Buffer.from([...SOI, ...SOS, ...scan]);

      await expect(walkJpegSegments(jpeg, () => undefined)).rejects.toThrow(
        MalformedContainerError,
      );
    }
  });
});
