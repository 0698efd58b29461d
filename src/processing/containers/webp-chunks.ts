/**
 * The one walker of WebP's RIFF chunks, shared by the lossless test and the metadata scan.
 *
 * Chunk types are compared as 32-bit numbers, so a walk allocates nothing per chunk; animation
 * frames (`ANMF`) are entered one level deep, as the format allows, and never deeper. It pauses
 * for the event loop whenever its slice of time is spent.
 */
import { EventLoopSlice } from './event-loop-slice';
import { fourCc, fourCcName } from './four-cc';
import { MalformedContainerError } from './malformed-container.error';

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const ANIMATION_FRAME_HEADER_BYTES = 16;

export const WEBP_CHUNK = {
  extendedHeader: fourCc('VP8X'),
  iccProfile: fourCc('ICCP'),
  animation: fourCc('ANIM'),
  animationFrame: fourCc('ANMF'),
  alpha: fourCc('ALPH'),
  lossy: fourCc('VP8 '),
  lossless: fourCc('VP8L'),
} as const;

/** Called with each chunk's type, where its payload starts, and whether it is inside a frame. */
export type WebpChunkVisitor = (type: number, payloadStart: number, inFrame: boolean) => void;

/**
 * Walks every chunk of a WebP, and the chunks inside its animation frames. Returns the offset
 * where the RIFF payload ends; bytes after it belong to no chunk.
 *
 * @throws MalformedContainerError when a chunk runs past the end of the RIFF payload.
 */
export async function walkWebpChunks(webp: Buffer, visit: WebpChunkVisitor): Promise<number> {
  if (
    webp.length < RIFF_HEADER_BYTES ||
    webp.toString('latin1', 0, 4) !== 'RIFF' ||
    webp.toString('latin1', 8, 12) !== 'WEBP'
  ) {
    throw new MalformedContainerError('The WebP does not start with a RIFF WEBP header');
  }
  const riffEnd = CHUNK_HEADER_BYTES + webp.readUInt32LE(4);
  if (riffEnd > webp.length) {
    throw new MalformedContainerError(
      `The WebP ends at byte ${webp.length}, before the ${riffEnd} bytes its RIFF header claims`,
    );
  }
  await walkChunks(webp, RIFF_HEADER_BYTES, riffEnd, visit);
  return riffEnd;
}

/**
 * One loop for the top level and the frames: entering a frame narrows the end to the frame's,
 * and leaving it restores the RIFF end, so a million frames cost no call and no promise each.
 */
async function walkChunks(
  webp: Buffer,
  start: number,
  riffEnd: number,
  visit: WebpChunkVisitor,
): Promise<void> {
  const slice = new EventLoopSlice();
  let offset = start;
  let end = riffEnd;
  let inFrame = false;
  for (;;) {
    if (offset >= end) {
      if (!inFrame) return;
      inFrame = false;
      end = riffEnd;
      continue;
    }
    if (slice.due()) await slice.pause();
    if (offset + CHUNK_HEADER_BYTES > end) {
      throw new MalformedContainerError(`The WebP ends inside the chunk header at byte ${offset}`);
    }
    const type = webp.readUInt32BE(offset);
    const payloadStart = offset + CHUNK_HEADER_BYTES;
    const payloadLength = webp.readUInt32LE(offset + 4);
    // Payloads are padded to an even length.
    const chunkEnd = payloadStart + payloadLength + (payloadLength % 2);
    if (chunkEnd > end) {
      throw new MalformedContainerError(
        `The WebP chunk at byte ${offset} claims ${payloadLength} bytes, which do not fit`,
      );
    }
    visit(type, payloadStart, inFrame);
    if (type === WEBP_CHUNK.animationFrame && !inFrame) {
      inFrame = true;
      end = chunkEnd;
      offset = Math.min(payloadStart + ANIMATION_FRAME_HEADER_BYTES, chunkEnd);
    } else {
      offset = chunkEnd;
    }
  }
}

const CHUNKS_NEEDED_FOR_DISPLAY: ReadonlySet<number> = new Set(Object.values(WEBP_CHUNK));

/** Whether every frame of the WebP is lossless (`VP8L`) and none is lossy (`VP8 `). */
export async function isLosslessWebp(webp: Buffer): Promise<boolean> {
  let lossless = false;
  let lossy = false;
  await walkWebpChunks(webp, (type) => {
    lossless ||= type === WEBP_CHUNK.lossless;
    lossy ||= type === WEBP_CHUNK.lossy;
  });
  return lossless && !lossy;
}

/**
 * The first chunk of the WebP, simple or extended, that may carry metadata (EXIF, XMP, unknown
 * chunks, bytes after the RIFF payload), or null when it has none.
 *
 * @throws MalformedContainerError when a chunk runs past the end of the RIFF payload.
 */
export async function findWebpMetadata(webp: Buffer): Promise<string | null> {
  let finding: string | null = null;
  const riffEnd = await walkWebpChunks(webp, (type, payloadStart) => {
    if (finding === null && !CHUNKS_NEEDED_FOR_DISPLAY.has(type)) {
      finding = `a ${fourCcName(type)} chunk at byte ${payloadStart - CHUNK_HEADER_BYTES}`;
    }
  });
  if (finding === null && riffEnd < webp.length) finding = `data after the RIFF payload`;
  return finding;
}
