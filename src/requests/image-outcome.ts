import { VariantFormat } from '../common/variant-formats';
import { ImageStatus, ReuseReason, VariantDropReason } from './request-status';

/** A variant an image's outcome owes: to encode, or dropped at once with its reason. */
export interface OwedVariant {
  format: VariantFormat;
  targetScore: number | null;
  dropReason: VariantDropReason | null;
}

/** Where a reused result came from. */
export interface ImageReuse {
  reason: ReuseReason;
  /** The public id of the earlier request whose stored result was copied. */
  requestId: string;
}

/**
 * How an image ended: compressed and stored under `outputKey`, failed with a reason, or
 * cancelled with its request before it was downloaded.
 */
export type ImageOutcome =
  | {
      status: ImageStatus.Completed;
      outputKey: string;
      bytesIn: number;
      bytesOut: number;
      format: string;
      sourceQuality: number | null;
      targetQuality: number | null;
      width: number;
      height: number;
      skipReason: string | null;
      /** SSIM against the source; null when the source was kept or scoring was off. */
      score: number | null;
      /** Set when the result was copied from an earlier request's instead of being encoded. */
      reuse?: ImageReuse | null;
      /** The variants its request asked for, written with the outcome. */
      variants?: OwedVariant[];
    }
  | { status: ImageStatus.Failed; error: string; bytesIn?: number | null; format?: string | null }
  | { status: ImageStatus.Cancelled };
