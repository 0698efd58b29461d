import { createHash } from 'node:crypto';
import { ImageOutcome } from '../requests/image-outcome';
import { ImageWork } from '../requests/image-outcomes.repository';
import { ImageStatus, ReuseReason } from '../requests/request-status';
import { SourceRecord } from '../requests/source-record.entity';
import { RememberedSource } from '../requests/source-records.repository';
import { IMAGE_FORMATS, ImageFormat } from '../storage/image-formats';

/** An image's outcome, and what to remember of its source when it has a stored result. */
export interface Processed {
  outcome: ImageOutcome;
  source?: RememberedSource | null;
}

/** What this download saw of the source: its validators and the hash of its bytes. */
export interface SeenSource {
  validators: string | null;
  sha256: string;
}

/**
 * The hash a source's bytes are remembered and matched by: every download, first or re-read,
 * must hash alike for same-bytes reuse to find it.
 */
export const sourceSha256 = (bytes: Buffer): string =>
  createHash('sha256').update(bytes).digest('hex');

export const isImageFormat = (format: string): format is ImageFormat =>
  Object.hasOwn(IMAGE_FORMATS, format);

/**
 * The outcome of an image whose result is a copy of `earlier`'s, stored under `outputKey`, and
 * the source record that now points at that copy.
 */
export function reusedResult(
  work: ImageWork,
  earlier: SourceRecord,
  reason: ReuseReason,
  seen: SeenSource,
  outputKey: string,
): Processed {
  const { bytesIn, bytesOut, format, sourceQuality, targetQuality, width, height } = earlier;
  const outcome = {
    status: ImageStatus.Completed,
    outputKey,
    bytesIn,
    bytesOut,
    format,
    sourceQuality,
    targetQuality,
    width,
    height,
    skipReason: earlier.skipReason,
    score: earlier.score,
    reuse: { reason, requestId: earlier.requestId },
  } as const;
  return {
    outcome,
    source: {
      ...outcome,
      owner: earlier.owner,
      url: work.inputUrl,
      validators: seen.validators,
      sha256: seen.sha256,
      recipe: earlier.recipe,
      requestId: work.requestId,
    },
  };
}
