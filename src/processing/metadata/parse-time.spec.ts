import { findAvifMetadata } from '../containers/avif-boxes';
import { walkGif } from '../containers/gif-blocks';
import { findPngMetadata } from '../containers/png-chunks';
import { findWebpMetadata, isLosslessWebp } from '../containers/webp-chunks';
import { estimateJpegQuality } from '../jpeg-quality';
import { findJpegMetadata, stripJpegMetadata } from './jpeg-metadata';

/**
 * Every parser of untrusted bytes runs on the main thread, so each must judge the largest
 * download in one linear pass whatever its bytes, and must let the event loop run while it does:
 * here, files of the most and smallest blocks that each walk can meet, at the download cap.
 *
 * Two things are measured while the parse runs. The longest stretch during which the event loop
 * could not turn, by a chain of `setImmediate` callbacks that runs between the parser's slices
 * and notes the CPU time spent between two of its turns: CPU time, not wall time, because on a
 * machine busy with other work the process is also paused between its own instructions, which
 * is no fault of the parser's. And the CPU time of the whole parse, which shows the walk stays
 * linear. The best of a few runs is kept.
 */
const DOWNLOAD_CAP_BYTES = 30 * 1024 * 1024;
/** The event loop must never be held longer than this by one slice of a parse. */
const LONGEST_STRETCH_BOUND_MS = 50;
/**
 * Far above what a linear walk takes (tens of milliseconds on an idle core, a few hundred on a
 * shared one), far below what a walk that keeps a record per block took (15 s for ten million).
 */
const LINEAR_BOUND_MS = 1_000;
const RUNS = 3;

interface ParseTiming {
  cpuMs: number;
  longestStretchMs: number;
}

/** Runs the parse once while a chain of immediates notes the longest time between its turns. */
async function timeOnce(parse: () => unknown): Promise<ParseTiming> {
  let running = true;
  let lastTurn = cpuNowMs();
  let longestStretchMs = 0;
  const turn = () => {
    const now = cpuNowMs();
    longestStretchMs = Math.max(longestStretchMs, now - lastTurn);
    lastTurn = now;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  await new Promise<void>((resolve) => setImmediate(resolve));

  const before = process.cpuUsage();
  lastTurn = cpuNowMs();
  try {
    await parse();
  } catch {
    // A clean refusal is an answer too; its time is what is measured.
  }
  const used = process.cpuUsage(before);
  turn();
  running = false;
  return { cpuMs: (used.user + used.system) / 1000, longestStretchMs };
}

/** The process's CPU time so far, in milliseconds. */
function cpuNowMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function bestOf(parse: () => unknown): Promise<ParseTiming> {
  let best: ParseTiming = { cpuMs: Infinity, longestStretchMs: Infinity };
  for (let run = 0; run < RUNS; run++) {
    const timing = await timeOnce(parse);
    best = {
      cpuMs: Math.min(best.cpuMs, timing.cpuMs),
      longestStretchMs: Math.min(best.longestStretchMs, timing.longestStretchMs),
    };
  }
  return best;
}

/** `head`, then `unit` repeated up to the download cap, then `tail`. */
function fileOf(head: number[], unit: number[], tail: number[] = []): Buffer {
  const file = Buffer.alloc(DOWNLOAD_CAP_BYTES);
  Buffer.from(head).copy(file);
  const body = Buffer.from(unit);
  const bodyEnd = DOWNLOAD_CAP_BYTES - tail.length;
  let offset = head.length;
  for (; offset + body.length <= bodyEnd; offset += body.length) body.copy(file, offset);
  Buffer.from(tail).copy(file, offset);
  return file.subarray(0, offset + tail.length);
}

const ascii = (text: string) => [...Buffer.from(text, 'latin1')];
const u32be = (value: number) => [
  value >>> 24,
  (value >>> 16) & 0xff,
  (value >>> 8) & 0xff,
  value & 0xff,
];
const u32le = (value: number) => u32be(value).reverse();

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const SOS = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
const RESTART_INTERVAL = [0xff, 0xdd, 0x00, 0x04, 0x00, 0x00];
const EMPTY_COMMENT = [0xff, 0xfe, 0x00, 0x02];
const QUANTISATION_TABLE = [0xff, 0xdb, 0x00, 0x43, 0x00, ...Array<number>(64).fill(1)];

const PNG_HEAD = [
  ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  ...u32be(13),
  ...ascii('IHDR'),
  ...Array<number>(17).fill(1),
];
const pngChunk = (type: string) => [...u32be(0), ...ascii(type), 0, 0, 0, 0];

const webpFile = (unit: number[]) => {
  const file = fileOf([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBP')], unit);
  file.writeUInt32LE(file.length - 8, 4);
  return file;
};

const GIF_HEAD = [...ascii('GIF89a'), 16, 0, 16, 0, 0, 0, 0];
const GIF_IMAGE = [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 1, 0, 0];

const AVIF_FTYP = [...u32be(16), ...ascii('ftypavif'), 0, 0, 0, 0];
const box = (type: string, payload: number[] = []) => [
  ...u32be(8 + payload.length),
  ...ascii(type),
  ...payload,
];
const avifWithMeta = (metaPayload: Buffer) => {
  const head = [...AVIF_FTYP, ...u32be(metaPayload.length + 12), ...ascii('meta'), 0, 0, 0, 0];
  return Buffer.concat([Buffer.from(head), metaPayload]);
};

describe('Parse of the largest download, worst case per parser: event loop held and CPU time', () => {
  it.each<[string, () => unknown]>([
    [
      'JPEG quality: a million quantisation tables',
      () => {
        const jpeg = fileOf(SOI, QUANTISATION_TABLE, [...SOS, ...EOI]);
        return () => estimateJpegQuality(jpeg);
      },
    ],
    [
      'JPEG metadata scan: five million tiny segments',
      () => {
        const jpeg = fileOf(SOI, RESTART_INTERVAL, EOI);
        return () => findJpegMetadata(jpeg);
      },
    ],
    [
      'JPEG metadata scan: a scan made of FF 00 pairs',
      () => {
        const jpeg = fileOf([...SOI, ...SOS], [0xff, 0x00], EOI);
        return () => findJpegMetadata(jpeg);
      },
    ],
    [
      'JPEG metadata scan: thirty million fill bytes before a marker',
      () => {
        const jpeg = fileOf(SOI, [0xff], [0xd9]);
        return () => findJpegMetadata(jpeg);
      },
    ],
    [
      'JPEG stripper: three million comments between tiny segments',
      () => {
        const jpeg = fileOf(SOI, [...RESTART_INTERVAL, ...EMPTY_COMMENT], EOI);
        return () => stripJpegMetadata(jpeg);
      },
    ],
    [
      'PNG: two and a half million empty chunks',
      () => {
        const png = fileOf(PNG_HEAD, pngChunk('pHYs'), pngChunk('IEND'));
        return () => findPngMetadata(png);
      },
    ],
    [
      'WebP metadata scan: four million empty chunks',
      () => {
        const webp = webpFile([...ascii('ALPH'), ...u32le(0)]);
        return () => findWebpMetadata(webp);
      },
    ],
    [
      'WebP lossless test: four million empty chunks',
      () => {
        const webp = webpFile([...ascii('ALPH'), ...u32le(0)]);
        return () => isLosslessWebp(webp);
      },
    ],
    [
      'WebP metadata scan: a million empty animation frames',
      () => {
        const webp = webpFile([...ascii('ANMF'), ...u32le(16), ...Array<number>(16).fill(0)]);
        return () => findWebpMetadata(webp);
      },
    ],
    [
      'GIF: ten million empty comments',
      () => {
        const gif = fileOf(GIF_HEAD, [0x21, 0xfe, 0x00], [...GIF_IMAGE, 0x3b]);
        return () => walkGif(gif);
      },
    ],
    [
      'GIF: fifteen million one-byte sub-blocks',
      () => {
        const gif = fileOf([...GIF_HEAD, ...GIF_IMAGE.slice(0, 11)], [0x01, 0x00], [0x00, 0x3b]);
        return () => walkGif(gif);
      },
    ],
    [
      'AVIF: four million empty top-level boxes',
      () => {
        const avif = fileOf(AVIF_FTYP, box('free'));
        return () => findAvifMetadata(avif);
      },
    ],
    [
      'AVIF: four million item entries',
      () => {
        const entries = fileOf([], box('infe', [0, 0, 0, 0]));
        const iinf = Buffer.concat([Buffer.from(box('iinf', [0, 0, 0, 0, 0, 0])), entries]);
        iinf.writeUInt32BE(iinf.length, 0);
        const avif = avifWithMeta(iinf);
        return () => findAvifMetadata(avif);
      },
    ],
  ])('%s', async (_name, prepare) => {
    const parse = prepare() as () => unknown;

    const { cpuMs, longestStretchMs } = await bestOf(parse);

    expect(longestStretchMs).toBeLessThan(LONGEST_STRETCH_BOUND_MS);
    expect(cpuMs).toBeLessThan(LINEAR_BOUND_MS);
  });
});
